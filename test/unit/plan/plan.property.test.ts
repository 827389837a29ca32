import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Grant, Securable } from '../../../shared/connectors/securable.js';
import { type DesiredGrant, grantKey } from '../../../shared/plan/desired.js';
import { plan } from '../../../shared/plan/plan.js';
import { isIdentity, isManaged, managedScope } from '../../../shared/plan/scope.js';

const objects: Securable[] = [
  { kind: 'table', path: ['D', 'S', 'T1'] },
  { kind: 'table', path: ['D', 'S', 'T2'] },
  { kind: 'view', path: ['D', 'S', 'V'] },
];
const grantArb = fc.record({
  securable: fc.constantFrom(...objects),
  principal: fc.record({
    kind: fc.constant('role' as const),
    name: fc.constantFrom('A', 'B', 'SYSADMIN', 'C', 'SYNC', 'sync'),
  }),
  privilege: fc.constantFrom('SELECT', 'INSERT', 'OWNERSHIP', 'REFERENCES'),
  reason: fc.constant('policy 1'),
});
const scope = managedScope({ ignoreRoles: ['SYSADMIN'], ignoreObjects: [], managedPrivileges: ['SELECT', 'INSERT'] });
// The connector's own role, spelled as configured: never in a plan, though IGNORE_ROLES does not name it.
const identity = [{ kind: 'role' as const, name: 'Sync' }];
const touchable = (g: Grant) => isManaged(scope, g) && !isIdentity(identity)(g.principal);

function applyPlan(actual: Grant[], steps: ReturnType<typeof plan>): Set<string> {
  const held = new Set(actual.map(grantKey));
  for (const s of steps)
    for (const privilege of s.privileges) {
      const k = grantKey({ securable: s.securable, principal: s.principal, privilege });
      if (s.op === 'GRANT') held.add(k);
      else held.delete(k);
    }
  return held;
}

describe('plan, for any desired and actual grants', () => {
  it("converges: after applying it the managed grants equal the desired ones and nothing else changed; the connector's own role is never in it", () => {
    fc.assert(
      fc.property(
        fc.array(grantArb, { maxLength: 12 }),
        fc.array(grantArb, { maxLength: 12 }),
        (desired: DesiredGrant[], actual: DesiredGrant[]) => {
          const steps = plan({ desired, actual, revocable: objects, scope, identity });
          expect(steps.filter((s) => s.principal.name.toUpperCase() === 'SYNC')).toEqual([]);
          const after = applyPlan(actual, steps);
          for (const d of desired) if (touchable(d)) expect(after.has(grantKey(d))).toBe(true);
          for (const a of actual) if (!touchable(a)) expect(after.has(grantKey(a))).toBe(true);
          const wanted = new Set(desired.map(grantKey));
          for (const k of after)
            if (!wanted.has(k)) expect(actual.some((a) => grantKey(a) === k && !touchable(a))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is idempotent: planning again after applying plans nothing', () => {
    fc.assert(
      fc.property(
        fc.array(grantArb, { maxLength: 12 }),
        fc.array(grantArb, { maxLength: 12 }),
        (desired: DesiredGrant[], actual: DesiredGrant[]) => {
          const after = applyPlan(actual, plan({ desired, actual, revocable: objects, scope, identity }));
          const now: Grant[] = [...after].map((k) => [...desired, ...actual].find((g) => grantKey(g) === k)!);
          expect(plan({ desired, actual: now, revocable: objects, scope, identity })).toEqual([]);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
