import type { LoadedResource } from '../../connectors/connector.js';
import { resourceAcl, type PolicySnapshot } from '../../policy/index.js';
import type { ResourceResult } from '../../store/records.js';
import type { WarehouseProfile } from '../profile.js';
import type { ManagedScope } from '../scope.js';
import { desiredPolicies } from './desired-policies.js';
import { ignoredPrincipalWarnings } from './ignored-principals.js';
import type { MaskingPort, MaskStep, MaskStepOutcome } from './model.js';
import { describeMaskStep, planMasking } from './plan-masking.js';

export interface ResourceMasking {
  steps: MaskStep[];
  warnings: string[];
  unchanged: number;
  plan: ResourceResult['plan'];
}

const NOTHING: ResourceMasking = { steps: [], warnings: [], unchanged: 0, plan: [] };

/**
 * The masking half of one resource's sync: read the tables' masks and filters, evaluate the Ranger data-mask
 * and row-filter items with every column of each table, and plan the steps. Pure but for the port's read.
 *
 * The managed scope binds it as it binds grants: a table or view IGNORE_OBJECTS names gets no masking change
 * (nor does any object made for it); masks and filters decide what a SELECT returns, so without SELECT in
 * MANAGED_PRIVILEGES none is changed at all; principals IGNORE_ROLES names: see `ignoredPrincipalWarnings`.
 */
export async function planResourceMasking(loaded: LoadedResource, port: MaskingPort,
  deps: { profile: WarehouseProfile; scope: ManagedScope; snapshot: PolicySnapshot; now: Date }): Promise<ResourceMasking> {
  if (!deps.scope.managesPrivilege('SELECT')) return NOTHING;
  const managed = loaded.objects.filter((s) => (s.kind === 'table' || s.kind === 'view') && deps.scope.managesObject(s));
  if (managed.length === 0) return NOTHING;
  const state = await port.read(loaded);
  const def = deps.profile.serviceDef;
  const tables = managed.map((securable) => {
    const columns = state.columns[securable.path.join('.')] ?? [];
    // A body outlives `now`: a scheduled policy not yet over counts as conditional, to fail closed (desired-policies.ts).
    const acl = resourceAcl(deps.snapshot, def, deps.profile.policyResource(securable),
      { now: deps.now, schedules: 'unless-ended', columns: columns.map((c) => c.name) });
    return { securable, acl, columns };
  });
  const version = String(deps.snapshot.version ?? '');
  const desired = desiredPolicies(tables, port.dialect, version, loaded.column);
  const planned = planMasking({
    desired: desired.policies, state, tables: managed, takeover: port.takeover, takeoverSetting: port.takeoverSetting,
    ...(loaded.column !== undefined ? { onlyColumn: loaded.column } : {}),
  });
  return {
    steps: planned.steps, unchanged: planned.unchanged,
    warnings: [...desired.warnings, ...ignoredPrincipalWarnings(tables, deps.profile, deps.scope, loaded.column), ...planned.warnings],
    plan: planned.steps.map(describeMaskStep),
  };
}

/** One line per step whose every statement succeeded, for the resource's result. */
export function appliedMaskChanges(outcomes: MaskStepOutcome[]): string[] {
  const steps = [...new Set(outcomes.map((o) => o.step))];
  return steps.filter((s) => outcomes.every((o) => o.step !== s || o.ok)).map((s) => {
    const d = describeMaskStep(s);
    return `${d.op} ${d.object}`;
  });
}
