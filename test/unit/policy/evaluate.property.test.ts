import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateDataMask,
  isAccessAllowed,
  type PolicySnapshot,
  RangerPolicySchema,
  resourceAcl,
  snowflakeServiceDef,
} from '../../../shared/policy/index.js';
import { NOW } from './fixtures.js';

/*
 * Policies drawn from a small universe so that they overlap often: two databases, a few schemas and tables with
 * wildcards and exclusions, two users, two groups, a role, allow/deny items with exceptions, priorities, deny-all-else
 * and masks.
 */
const values = (options: string[]) => fc.subarray(options, { minLength: 1 });
const itemArb = fc.record({
  accesses: fc.subarray(['select', 'insert', 'usage', 'all'], { minLength: 1 }).map((a) => a.map((type) => ({ type }))),
  users: fc.subarray(['ann', 'bob', '{USER}']),
  groups: fc.subarray(['analysts', 'public']),
  roles: fc.subarray(['ANALYST']),
});
const resourcesArb = fc.record({
  database: fc.record({ values: values(['SALES', 'HR', 'S*']) }),
  schema: fc.record({ values: values(['PUBLIC', 'TMP', '*']), isExcludes: fc.boolean() }),
  table: fc.record({ values: values(['ORDERS', 'T?', '*']) }),
});
const accessPolicyArb = fc.record({
  resources: resourcesArb,
  policyPriority: fc.constantFrom(0, 0, 1),
  isDenyAllElse: fc.boolean(),
  policyItems: fc.array(itemArb, { maxLength: 2 }),
  denyPolicyItems: fc.array(itemArb, { maxLength: 1 }),
  allowExceptions: fc.array(itemArb, { maxLength: 1 }),
  denyExceptions: fc.array(itemArb, { maxLength: 1 }),
});
const maskPolicyArb = fc.record({
  policyType: fc.constant(1),
  policyPriority: fc.constantFrom(0, 1),
  resources: resourcesArb.map((r) => ({ ...r, column: { values: ['SSN'] } })),
  dataMaskPolicyItems: fc.array(
    itemArb.map((i) => ({ ...i, accesses: [{ type: 'select' }], dataMaskInfo: { dataMaskType: 'MASK' } })),
    { maxLength: 2 },
  ),
});
const policySetArb = fc
  .array(fc.oneof(accessPolicyArb, maskPolicyArb), { minLength: 1, maxLength: 6 })
  .map((ps) => ps.map((p, i) => RangerPolicySchema.parse({ ...p, id: i + 1, name: `p${i + 1}` })));
const shuffledArb = policySetArb.chain((policies) =>
  fc.array(fc.double({ noNaN: true }), { minLength: policies.length, maxLength: policies.length }).map((keys) => ({
    policies,
    shuffled: policies
      .map((p, i) => ({ p, k: keys[i]! }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.p),
  })),
);

const resources = [
  { database: 'SALES' },
  { database: 'SALES', schema: 'PUBLIC' },
  { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' },
  { database: 'HR', schema: 'TMP', table: 'T1' },
  { database: 'sales', schema: 'tmp', table: 'orders' },
];
const askers = [
  { user: 'ann', userGroups: [] },
  { user: 'bob', userGroups: ['analysts'] },
  { user: 'eve', userGroups: [], userRoles: ['ANALYST'] },
];
const accessTypes = ['', 'select', 'insert', 'usage'];

function everyAnswer(snap: PolicySnapshot) {
  const def = snowflakeServiceDef;
  return {
    access: resources.flatMap((resource) =>
      askers.flatMap((who) =>
        accessTypes.map((accessType) => isAccessAllowed(snap, def, { resource, accessType, ...who }, { now: NOW })),
      ),
    ),
    acls: resources.map((resource) => resourceAcl(snap, def, resource, { now: NOW, columns: ['SSN'] })),
    masks: askers.map((who) =>
      evaluateDataMask(
        snap,
        def,
        {
          resource: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS', column: 'SSN' },
          accessType: 'select',
          ...who,
        },
        { now: NOW },
      ),
    ),
  };
}

describe('policy evaluation properties', () => {
  it('gives the same answers whatever the order of the policies in the input', () => {
    fc.assert(
      fc.property(shuffledArb, ({ policies, shuffled }) => {
        expect(everyAnswer({ version: 1, policies: shuffled })).toEqual(everyAnswer({ version: 1, policies }));
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: the same snapshot always gives the same answers', () => {
    fc.assert(
      fc.property(policySetArb, (policies) => {
        const snap = { version: 1, policies };
        expect(everyAnswer(snap)).toEqual(everyAnswer(snap));
      }),
      { numRuns: 100 },
    );
  });

  it('never allows through a policy that denies the same principal on the same resource at equal or higher priority', () => {
    fc.assert(
      fc.property(policySetArb, (policies) => {
        const snap = {
          version: 1,
          policies: [
            ...policies,
            RangerPolicySchema.parse({
              id: 999,
              name: 'deny ann',
              policyPriority: 1,
              resources: { database: { values: ['*'] }, schema: { values: ['*'] }, table: { values: ['*'] } },
              denyPolicyItems: [{ accesses: [{ type: 'select' }], users: ['ann'] }],
            }),
          ],
        };
        for (const resource of resources.filter((r) => 'table' in r)) {
          expect(
            isAccessAllowed(
              snap,
              snowflakeServiceDef,
              { resource, accessType: 'select', user: 'ann', userGroups: [] },
              { now: NOW },
            ).isAllowed,
          ).toBe(false);
        }
      }),
      { numRuns: 100 },
    );
  });
});
