import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, parsePolicyExpression } from '../../../dev/emulators/snowflake/policy-expression.js';
import { maskExpression } from '../../../shared/connectors/masking-sql.js';
import { snowflakeMaskingDialect } from '../../../shared/connectors/snowflake/masking-dialect.js';
import { desiredPolicies } from '../../../shared/plan/masking/desired-policies.js';
import { isClear } from '../../../shared/plan/masking/mask-info.js';
import { evaluateDataMask, parsePolicies, resourceAcl, snowflakeServiceDef } from '../../../shared/policy/index.js';

const sf = snowflakeMaskingDialect({ userRoleTemplate: '{name}', case: 'upper' }, 'GOV');
const now = new Date('2026-01-01T00:00:00Z');
const resource = { database: 'SALES', schema: 'PUBLIC', table: 'T' };
const TYPES = ['MASK', 'MASK_NULL', 'MASK_NONE', 'MASK_HASH', 'MASK_SHOW_LAST_4'];

const itemArb = fc.record({
  users: fc.subarray(['ann', 'bob']),
  groups: fc.subarray(['g1', 'g2', 'public'], { maxLength: 1 }),
  type: fc.constantFrom(...TYPES),
});
const policyArb = fc.record({
  items: fc.array(itemArb, { minLength: 1, maxLength: 3 }),
  priority: fc.constantFrom(0, 1),
  column: fc.constantFrom('C', '*'),
});

/**
 * For any masking policies, the body we render and the emulator evaluates gives each reader what Ranger's own
 * evaluator says that reader gets: the first matching item of the first matching policy, else the clear value.
 */
describe('rendered mask bodies agree with the Ranger evaluator', () => {
  it('for any policies, reader and value', () => {
    fc.assert(
      fc.property(
        fc.array(policyArb, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('ann', 'bob', 'cy'),
        fc.subarray(['g1', 'g2']),
        fc.string({ maxLength: 10 }),
        (ps, user, groups, value) => {
          const snapshot = parsePolicies({
            policyVersion: 1,
            policies: ps.map((p, k) => ({
              id: k + 1,
              name: `p${k}`,
              policyType: 1,
              policyPriority: p.priority,
              resources: {
                database: { values: ['SALES'] },
                schema: { values: ['PUBLIC'] },
                table: { values: ['T'] },
                column: { values: [p.column] },
              },
              dataMaskPolicyItems: p.items.map((i) => ({
                accesses: [{ type: 'select' }],
                users: i.users,
                groups: i.groups,
                dataMaskInfo: { dataMaskType: i.type },
              })),
            })),
          });
          const acl = resourceAcl(snapshot, snowflakeServiceDef, resource, {
            now,
            schedules: 'at-now',
            columns: ['C'],
          });
          const [policy] = desiredPolicies(
            [
              {
                securable: { kind: 'table', path: ['SALES', 'PUBLIC', 'T'] },
                acl,
                columns: [{ name: 'C', dataType: 'VARCHAR' }],
              },
            ],
            sf,
            '1',
          ).policies;
          const env = {
            values: { VAL: value },
            role: groups[0]?.toUpperCase() ?? 'PUBLIC',
            rolesInSession: new Set([...groups.map((g) => g.toUpperCase()), 'PUBLIC']),
            user: user.toUpperCase(),
          };
          const got = policy ? evaluatePolicy(parsePolicyExpression(policy.body), env) : value;

          const verdict = evaluateDataMask(
            snapshot,
            snowflakeServiceDef,
            { resource: { ...resource, column: 'C' }, accessType: 'select', user, userGroups: groups },
            { now },
          );
          const info = verdict.dataMaskInfo;
          const want =
            !info || isClear(info)
              ? value
              : evaluatePolicy(parsePolicyExpression(maskExpression(sf, info, 'string', 'VARCHAR', 'VAL')), env);
          expect(got).toBe(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});
