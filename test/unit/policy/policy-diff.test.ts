import { describe, expect, it } from 'vitest';
import { type PolicySnapshot, parsePolicies } from '../../../shared/policy/index.js';
import { policyChanges } from '../../../shared/policy/policy-diff.js';

const set = (policies: unknown[], version = 1): PolicySnapshot => ({ ...parsePolicies({ policies }), version });

const ORDERS = { database: { values: ['SALES'] }, schema: { values: ['PUBLIC'] }, table: { values: ['ORDERS'] } };
const CUSTOMERS = { database: { values: ['SALES'] }, schema: { values: ['PUBLIC'] }, table: { values: ['CUSTOMERS'] } };
const base = {
  id: 7,
  version: 1,
  name: 'analysts read orders',
  resources: ORDERS,
  policyItems: [{ accesses: [{ type: 'select' }], roles: ['analyst'] }],
};
/** The tables a change names, by their table value. */
const tables = (before: unknown[], after: unknown[]) =>
  policyChanges(set(before), set(after, 2)).map((c) => ({
    id: c.id,
    kind: c.kind,
    tables: c.patterns.map((p) => p.table?.values.join(',')),
  }));

describe('policyChanges', () => {
  it('reports an added policy with its patterns', () => {
    expect(tables([], [base])).toEqual([{ id: 7, kind: 'added', tables: ['ORDERS'] }]);
  });

  it('reports a removed policy with the patterns it covered', () => {
    expect(tables([base], [])).toEqual([{ id: 7, kind: 'removed', tables: ['ORDERS'] }]);
  });

  it('reports a disabled and a re-enabled policy', () => {
    expect(tables([base], [{ ...base, isEnabled: false }])).toEqual([{ id: 7, kind: 'disabled', tables: ['ORDERS'] }]);
    expect(tables([{ ...base, isEnabled: false }], [base])).toEqual([{ id: 7, kind: 'enabled', tables: ['ORDERS'] }]);
  });

  it('says nothing of a policy disabled before and after, whatever was edited in it', () => {
    const off = { ...base, isEnabled: false };
    expect(tables([off], [{ ...off, resources: CUSTOMERS, version: 2 }])).toEqual([]);
  });

  it('names both the old and the new patterns when the resources move', () => {
    expect(tables([base], [{ ...base, resources: CUSTOMERS }])).toEqual([
      { id: 7, kind: 'changed', tables: ['ORDERS', 'CUSTOMERS'] },
    ]);
  });

  it('names additionalResources too', () => {
    const multi = { ...base, additionalResources: [CUSTOMERS] };
    expect(tables([multi], [{ ...multi, policyItems: [] }])[0]!.tables).toEqual(['ORDERS', 'CUSTOMERS']);
  });

  it.each([
    ['allow items', { policyItems: [{ accesses: [{ type: 'select' }], roles: ['analyst', 'auditor'] }] }],
    ['deny items', { denyPolicyItems: [{ accesses: [{ type: 'select' }], users: ['mallory'] }] }],
    ['allow exceptions', { allowExceptions: [{ accesses: [{ type: 'select' }], users: ['intern'] }] }],
    ['deny exceptions', { denyExceptions: [{ accesses: [{ type: 'select' }], users: ['auditor'] }] }],
    [
      'masks',
      {
        policyType: 1,
        dataMaskPolicyItems: [
          { accesses: [{ type: 'select' }], roles: ['analyst'], dataMaskInfo: { dataMaskType: 'MASK' } },
        ],
      },
    ],
    [
      'row filters',
      {
        policyType: 2,
        rowFilterPolicyItems: [
          { accesses: [{ type: 'select' }], roles: ['analyst'], rowFilterInfo: { filterExpr: 'x=1' } },
        ],
      },
    ],
    [
      'validity schedules',
      { validitySchedules: [{ startTime: '2026/01/01 00:00:00', endTime: '2026/02/01 00:00:00' }] },
    ],
    ['priority', { policyPriority: 1 }],
    ['deny-all-else', { isDenyAllElse: true }],
    ['policy conditions', { conditions: [{ type: 'ip-range', values: ['10.0.0.0/8'] }] }],
  ])('reports a change of %s on the policy’s patterns', (_what, edit) => {
    expect(tables([base], [{ ...base, ...edit, version: 2 }])).toEqual([
      { id: 7, kind: 'changed', tables: ['ORDERS'] },
    ]);
  });

  it('reports nothing for an audit-only, a renamed or a re-versioned policy', () => {
    expect(tables([base], [{ ...base, isAuditEnabled: false, name: 'renamed', version: 9, updateTime: 5 }])).toEqual(
      [],
    );
  });

  it('compares values, not spellings: key order and nulls Ranger writes for empty lists change nothing', () => {
    const reordered = {
      policyItems: base.policyItems,
      resources: ORDERS,
      name: base.name,
      version: 1,
      id: 7,
      denyPolicyItems: null,
    };
    expect(tables([base], [reordered])).toEqual([]);
  });

  it('carries the new version of a changed policy and the last version of a removed one', () => {
    const changes = policyChanges(
      set([base, { ...base, id: 8, version: 4 }]),
      set([{ ...base, version: 3, policyItems: [] }]),
    );
    expect(changes.map((c) => [c.id, c.kind, c.version])).toEqual([
      [7, 'changed', 3],
      [8, 'removed', 4],
    ]);
  });

  it('knows a policy without an id by its name', () => {
    const { id: _id, ...unnamed } = base;
    expect(tables([unnamed], [{ ...unnamed, policyItems: [] }])).toEqual([
      { id: 'name:analysts read orders', kind: 'changed', tables: ['ORDERS'] },
    ]);
  });
});
