import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MacroMode } from '../../../shared/policy/macros.js';
import { matchType } from '../../../shared/policy/match.js';
import type { RangerPolicy } from '../../../shared/policy/model.js';
import { inEvaluationOrder } from '../../../shared/policy/order.js';
import { candidatePolicies } from '../../../shared/policy/policy-index.js';
import { serviceDefFromRanger, snowflakeServiceDef } from '../../../shared/policy/service-defs.js';
import { policy } from './fixtures.js';

/*
 * The index may only leave out policies that match nothing: every policy whose resources relate to the resource in
 * any way (SELF, a descendant, an ancestor), in any macro mode, is a candidate, and candidates keep evaluation
 * order. Names mix case and folds toLowerCase does not know (ſ folds to s, the Kelvin sign to k), patterns mix
 * plain names with wildcards, macros, match-all, excludes and recursion, and definitions turn ignoreCase and
 * wildcards off, so that every reason a policy is or is not pinned is exercised.
 */
const names = ['SALES', 'sales', 'ſales', 'HR', 'hr', 'K1', '\u212a1', 'k1', 'T*', 'S?LES', '*', '', '{USER}', 'x'];
const resource = fc.record(
  {
    values: fc.array(fc.constantFrom(...names), { maxLength: 3 }),
    isExcludes: fc.boolean(),
    isRecursive: fc.boolean(),
  },
  { requiredKeys: ['values'] },
);
const levels = ['database', 'schema', 'table', 'column'];
const record = fc
  .tuple(fc.nat({ max: 4 }), fc.array(resource, { minLength: 4, maxLength: 4 }), fc.boolean())
  .map(([depth, rs, skip]) =>
    // Mostly the top levels in order; sometimes a level skipped, which matches nothing.
    Object.fromEntries(levels.slice(0, depth).flatMap((l, i) => (skip && i === 1 ? [] : [[l, rs[i]]]))),
  );
const policies = fc
  .array(
    fc.record({
      resources: record,
      additionalResources: fc.array(record, { maxLength: 2 }),
      policyType: fc.constantFrom(0, 0, 1, 2),
      isDenyAllElse: fc.boolean(),
    }),
    { maxLength: 12 },
  )
  .map((ps) =>
    ps.map((p, i) =>
      policy({ id: i + 1, name: `p${i}`, ...p, policyItems: [{ accesses: [{ type: 'select' }], users: ['u'] }] }),
    ),
  );
const request = fc
  .tuple(fc.nat({ max: 4 }), fc.array(fc.constantFrom(...names), { minLength: 4, maxLength: 4 }))
  .map(([depth, vs]) => Object.fromEntries(levels.slice(0, depth).map((l, i) => [l, vs[i]!])));
const defs = [
  snowflakeServiceDef,
  serviceDefFromRanger({
    name: 'case-and-wildcards-literal',
    resources: levels.map((name, i) => ({
      name,
      level: i + 1,
      ...(i > 0 ? { parent: levels[i - 1] } : {}),
      recursiveSupported: true,
      matcherOptions: { ignoreCase: i % 2 === 1, wildCard: i < 2 },
    })),
    accessTypes: [{ name: 'select' }],
  }),
];
const modes: MacroMode[] = [{ kind: 'wildcard' }, { kind: 'request' }, { kind: 'request', user: 'sales' }];

function relates(p: RangerPolicy, r: Record<string, string>, def: (typeof defs)[number]): boolean {
  return [p.resources, ...p.additionalResources].some((rs) =>
    modes.some((mode) => matchType(rs, r, def, mode) !== 'NONE'),
  );
}

describe('the policy index', () => {
  it('leaves out only policies that match nothing, and keeps evaluation order', () => {
    fc.assert(
      fc.property(
        policies,
        fc.array(request, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...defs),
        (ps, rs, def) => {
          const ordered = inEvaluationOrder(ps, def);
          for (const r of rs) {
            const candidates = candidatePolicies(ps, def, r);
            const positions = candidates.map((p) => ordered.indexOf(p));
            expect(positions.every((at, i) => at >= 0 && (i === 0 || at > positions[i - 1]!))).toBe(true);
            for (const p of ordered.filter((q) => relates(q, r, def)))
              expect(candidates, `${p.name} relates to ${JSON.stringify(r)}`).toContain(p);
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  it('narrows a sync of many tables to the policies pinned to their schema', () => {
    const set = Array.from({ length: 50 }, (_, i) =>
      policy({
        id: i + 1,
        name: `schema ${i}`,
        resources: { database: { values: ['BENCH'] }, schema: { values: [`S${i}`] }, table: { values: ['*'] } },
        policyItems: [{ accesses: [{ type: 'select' }], users: ['u'] }],
      }),
    );
    const everywhere = policy({
      id: 99,
      name: 'every schema',
      resources: { database: { values: ['bench'] }, schema: { values: ['*'] }, table: { values: ['*'] } },
      policyItems: [{ accesses: [{ type: 'select' }], users: ['u'] }],
    });
    const candidates = candidatePolicies([...set, everywhere], snowflakeServiceDef, {
      database: 'BENCH',
      schema: 's7',
      table: 'ORDERS',
    });
    expect(candidates.map((p) => p.name).sort()).toEqual(['every schema', 'schema 7']);
  });
});
