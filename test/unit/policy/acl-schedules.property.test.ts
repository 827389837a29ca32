import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePolicies, resourceAcl, snowflakeServiceDef } from '../../../shared/policy/index.js';

const resource = { database: 'SALES', schema: 'PUBLIC', table: 'T' };
const on = (column?: string) => ({
  database: { values: ['SALES'] },
  schema: { values: ['PUBLIC'] },
  table: { values: ['T'] },
  ...(column ? { column: { values: [column] } } : {}),
});
const schedule = fc.constantFrom(
  [],
  [{ startTime: '2026/01/01 00:00:00', endTime: '2026/02/01 00:00:00' }],
  [{ startTime: '2026/01/01 00:00:00' }],
  [{ endTime: '2025/06/01 00:00:00' }],
  [{ startTime: '2027/01/01 00:00:00', endTime: '2027/02/01 00:00:00' }],
  [
    {
      startTime: '2026/01/01 00:00:00',
      endTime: '2026/12/01 00:00:00',
      recurrences: [{ schedule: { hour: '9' }, interval: { hours: 1 } }],
    },
  ],
);
const who = fc.record({ users: fc.subarray(['ann', 'bob']), groups: fc.subarray(['g', 'public'], { maxLength: 1 }) });
const policy = fc.record({
  type: fc.constantFrom(0, 1, 2),
  schedule,
  who,
  deny: fc.boolean(),
  column: fc.constantFrom('C', 'D'),
});
const now = fc.constantFrom(
  '2025-01-01T00:00:00Z',
  '2026-01-15T00:00:00Z',
  '2026-03-01T00:00:00Z',
  '2028-01-01T00:00:00Z',
);

describe('resourceAcl with a schedule mode per policy type', () => {
  it('reads access entries as at-now alone does, and masks and row filters as unless-ended alone does, for any policies', () => {
    fc.assert(
      fc.property(fc.array(policy, { minLength: 1, maxLength: 5 }), now, (ps, at) => {
        const snapshot = parsePolicies({
          policyVersion: 3,
          policies: ps.map((p, k) => ({
            id: k + 1,
            name: `p${k}`,
            policyType: p.type,
            validitySchedules: p.schedule,
            resources: on(p.type === 1 ? p.column : undefined),
            ...(p.type === 0
              ? { [p.deny ? 'denyPolicyItems' : 'policyItems']: [{ accesses: [{ type: 'select' }], ...p.who }] }
              : {}),
            ...(p.type === 1
              ? {
                  dataMaskPolicyItems: [
                    { accesses: [{ type: 'select' }], ...p.who, dataMaskInfo: { dataMaskType: 'MASK_NULL' } },
                  ],
                }
              : {}),
            ...(p.type === 2
              ? {
                  rowFilterPolicyItems: [
                    { accesses: [{ type: 'select' }], ...p.who, rowFilterInfo: { filterExpr: 'x = 1' } },
                  ],
                }
              : {}),
          })),
        });
        const opts = { now: new Date(at), columns: ['C', 'D'] };
        const both = resourceAcl(snapshot, snowflakeServiceDef, resource, {
          ...opts,
          schedules: { access: 'at-now', masking: 'unless-ended' },
        });
        const grants = resourceAcl(snapshot, snowflakeServiceDef, resource, { ...opts, schedules: 'at-now' });
        const masks = resourceAcl(snapshot, snowflakeServiceDef, resource, { ...opts, schedules: 'unless-ended' });
        expect({ users: both.users, groups: both.groups, roles: both.roles }).toEqual({
          users: grants.users,
          groups: grants.groups,
          roles: grants.roles,
        });
        expect({ masks: both.masks, rowFilters: both.rowFilters }).toEqual({
          masks: masks.masks,
          rowFilters: masks.rowFilters,
        });
      }),
      { numRuns: 500 },
    );
  });
});
