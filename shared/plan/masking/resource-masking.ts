import type { MaskingPort, MaskingState } from '../../connectors/masking-port.js';
import type { Securable } from '../../connectors/securable.js';
import type { EvaluatedObject } from '../evaluation.js';
import type { WarehouseProfile } from '../profile.js';
import type { ManagedScope } from '../scope.js';
import { desiredPolicies } from './desired-policies.js';
import { ignoredPrincipalWarnings } from './ignored-principals.js';
import { type MaskingPlan, planMasking } from './plan-masking.js';

/**
 * The tables and views whose masks and row filters a sync may change. The managed scope binds masking as it
 * binds grants: a table or view IGNORE_OBJECTS names gets no masking change (nor does any object made for it);
 * masks and filters decide what a SELECT returns, so without SELECT in MANAGED_PRIVILEGES none is changed at
 * all; principals IGNORE_ROLES names: see `ignoredPrincipalWarnings`.
 */
export function maskedTables(objects: Securable[], scope: ManagedScope): Securable[] {
  if (!scope.managesPrivilege('SELECT')) return [];
  return objects.filter((s) => (s.kind === 'table' || s.kind === 'view') && scope.managesObject(s));
}

export interface ResourceMaskingInput {
  /** The masked tables (see `maskedTables`), evaluated with every column. */
  tables: EvaluatedObject[];
  state: MaskingState;
  port: Pick<MaskingPort, 'dialect' | 'takeover' | 'takeoverSetting'>;
  policyVersion: string;
  profile: WarehouseProfile;
  scope: ManagedScope;
  /** A column task: only that column's mask. */
  onlyColumn?: string;
}

/** The masking half of one resource's plan: what the Ranger data-mask and row-filter items ask for, against what the warehouse holds. */
export function planResourceMasking({
  tables,
  state,
  port,
  policyVersion,
  profile,
  scope,
  onlyColumn,
}: ResourceMaskingInput): MaskingPlan {
  const desired = desiredPolicies(tables, port.dialect, policyVersion, onlyColumn);
  const planned = planMasking({
    desired: desired.policies,
    state,
    tables: tables.map((t) => t.securable),
    takeover: port.takeover,
    takeoverSetting: port.takeoverSetting,
    ...(onlyColumn !== undefined ? { onlyColumn } : {}),
  });
  return {
    steps: planned.steps,
    unchanged: planned.unchanged,
    unprotected: [...desired.unprotected, ...planned.unprotected],
    warnings: [
      ...desired.warnings,
      ...ignoredPrincipalWarnings(tables, profile, scope, onlyColumn),
      ...planned.warnings,
    ],
  };
}
