import type { PlanStep } from '../connectors/plan-step.js';
import {
  type Grant,
  type Principal,
  principalKey,
  type Securable,
  securableKey,
  securableName,
} from '../connectors/securable.js';
import { type DesiredGrant, grantKey } from './desired.js';
import { isIdentity, isManaged, type ManagedScope } from './scope.js';

export interface PlanInput {
  desired: DesiredGrant[];
  actual: Grant[];
  /** Objects whose grants the sync owns; grants on other objects (the parents) are only ever added. */
  revocable: Securable[];
  scope: ManagedScope;
  /** The principals the connector acts as: never in a step, whatever the scope, the policies or the drift say. */
  identity: readonly Principal[];
}

/**
 * Desired vs actual -> GRANT and REVOKE steps. Grants come first (no access gap), one step per securable and
 * principal with all its privileges, and only grants inside the managed scope are touched.
 */
export function plan({ desired, actual, revocable, scope, identity }: PlanInput): PlanStep[] {
  const have = new Set(actual.map(grantKey));
  const want = new Set(desired.map(grantKey));
  const owned = new Set(revocable.map(securableKey));
  const ourself = isIdentity(identity);
  const touchable = (g: Grant) => isManaged(scope, g) && !ourself(g.principal);
  const grants = desired.filter((g) => !have.has(grantKey(g)) && touchable(g));
  const revokes = actual
    .filter((g) => !want.has(grantKey(g)) && touchable(g) && owned.has(securableKey(g.securable)))
    .map((g) => ({ ...g, reason: 'not allowed by any policy' }));
  return [...group('GRANT', grants), ...group('REVOKE', revokes)];
}

function group(op: PlanStep['op'], grants: DesiredGrant[]): PlanStep[] {
  const steps = new Map<string, PlanStep>();
  for (const g of grants) {
    const k = JSON.stringify([securableKey(g.securable), principalKey(g.principal)]);
    const step = steps.get(k);
    if (!step)
      steps.set(k, { op, securable: g.securable, principal: g.principal, privileges: [g.privilege], reason: g.reason });
    else {
      step.privileges.push(g.privilege);
      if (!step.reason.split(', ').includes(g.reason)) step.reason = `${step.reason}, ${g.reason}`;
    }
  }
  // Parents before children for grants (USAGE first), children before parents for revokes.
  const depth = (s: PlanStep) => s.securable.path.length;
  return [...steps.values()]
    .map((s) => ({ ...s, privileges: [...s.privileges].sort() }))
    .sort(
      (a, b) =>
        (op === 'GRANT' ? depth(a) - depth(b) : depth(b) - depth(a)) ||
        securableName(a.securable).localeCompare(securableName(b.securable)) ||
        securableKey(a.securable).localeCompare(securableKey(b.securable)) ||
        principalKey(a.principal).localeCompare(principalKey(b.principal)),
    );
}

export const unchangedCount = (desired: Grant[], actual: Grant[]) => {
  const have = new Set(actual.map(grantKey));
  return desired.filter((g) => have.has(grantKey(g))).length;
};
