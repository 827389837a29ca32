import { describe, expect, it } from 'vitest';
import { databricksServiceDef, resourceAcl, snowflakeServiceDef } from '../../../shared/policy/index.js';
import { NOW, sf, snapshot } from './fixtures.js';

const on = (database: string, schema: string, table: string) => ({
  database: { values: [database] },
  schema: { values: [schema] },
  table: { values: [table] },
});
const item = (
  accesses: string[],
  who: { users?: string[]; groups?: string[]; roles?: string[] },
  extra: Record<string, unknown> = {},
) => ({ accesses: accesses.map((type) => ({ type })), ...who, ...extra });
const acl = (
  snap: ReturnType<typeof snapshot>,
  resource: Record<string, string>,
  opts: Partial<Parameters<typeof resourceAcl>[3]> = {},
) => resourceAcl(snap, snowflakeServiceDef, resource, { now: NOW, ...opts });

describe('resourceAcl (Snowflake)', () => {
  const snap = snapshot(
    {
      id: 1,
      name: 'sales everything',
      resources: on('SALES', '*', '*'),
      policyItems: [item(['usage', 'select'], { roles: ['ANALYST'] })],
    },
    {
      id: 2,
      name: 'orders only',
      resources: on('SALES', 'PUBLIC', 'ORDERS'),
      policyItems: [item(['insert'], { users: ['loader'] })],
    },
  );

  it('a policy on SALES.*.* is in the ACL of the database itself and of every table in it', () => {
    expect(acl(snap, sf('SALES')).roles).toEqual({
      ANALYST: { select: { result: 'ALLOWED', policyId: 1 }, usage: { result: 'ALLOWED', policyId: 1 } },
    });
    expect(acl(snap, sf('SALES', 'PUBLIC', 'ORDERS')).roles.ANALYST?.select).toEqual({
      result: 'ALLOWED',
      policyId: 1,
    });
  });

  it("a policy on one table is in that table's ACL, not its database's (Ranger never cascades upwards)", () => {
    expect(acl(snap, sf('SALES', 'PUBLIC', 'ORDERS')).users).toEqual({
      loader: { insert: { result: 'ALLOWED', policyId: 2 } },
    });
    expect(acl(snap, sf('SALES')).users).toEqual({});
    expect(acl(snap, sf('SALES', 'PUBLIC', 'CUSTOMERS')).users).toEqual({});
  });

  it('with scope self_or_descendants the database ACL also lists who may use something inside it', () => {
    expect(acl(snap, sf('SALES'), { scope: 'self_or_descendants' }).users.loader?.insert?.result).toBe('ALLOWED');
  });

  it('reports a denied user inside an allowed group as DENIED, never dropping the deny', () => {
    const withDeny = snapshot({
      id: 3,
      resources: on('SALES', '*', '*'),
      policyItems: [item(['select'], { groups: ['analysts'] })],
      denyPolicyItems: [item(['select'], { users: ['mallory'] })],
    });
    const result = acl(withDeny, sf('SALES', 'PUBLIC', 'ORDERS'));
    expect(result.groups.analysts?.select?.result).toBe('ALLOWED');
    expect(result.users.mallory?.select).toEqual({ result: 'DENIED', policyId: 3 });
  });

  it('a deny decided at OVERRIDE priority is final against NORMAL allows', () => {
    const snap2 = snapshot(
      {
        id: 4,
        policyPriority: 1,
        resources: on('SALES', '*', '*'),
        denyPolicyItems: [item(['select'], { users: ['ann'] })],
      },
      { id: 5, resources: on('SALES', '*', '*'), policyItems: [item(['select'], { users: ['ann'] })] },
    );
    expect(acl(snap2, sf('SALES', 'PUBLIC', 'ORDERS')).users.ann?.select).toEqual({ result: 'DENIED', policyId: 4 });
  });

  it('reports a scheduled policy as CONDITIONAL, or decides it at the injected clock on request', () => {
    const scheduled = snapshot({
      id: 6,
      resources: on('SALES', '*', '*'),
      policyItems: [item(['select'], { users: ['temp'] })],
      validitySchedules: [{ startTime: '2026/01/01 00:00:00', endTime: '2026/02/01 00:00:00' }],
    });
    expect(acl(scheduled, sf('SALES')).users.temp?.select?.result).toBe('CONDITIONAL');
    expect(
      acl(scheduled, sf('SALES'), { schedules: 'at-now', now: new Date('2026-01-15T00:00:00Z') }).users.temp?.select
        ?.result,
    ).toBe('ALLOWED');
    expect(acl(scheduled, sf('SALES'), { schedules: 'at-now', now: new Date('2026-03-01T00:00:00Z') }).users).toEqual(
      {},
    );
  });

  it('for a native mask that outlives now, counts a scheduled policy CONDITIONAL until every schedule has ended', () => {
    const scheduled = (endTime?: string) =>
      snapshot({
        id: 6,
        resources: on('SALES', '*', '*'),
        policyItems: [item(['select'], { users: ['temp'] })],
        validitySchedules: [{ startTime: '2026/01/01 00:00:00', ...(endTime ? { endTime } : {}) }],
      });
    const at = (now: string, endTime?: string) =>
      acl(scheduled(endTime), sf('SALES'), { schedules: 'unless-ended', now: new Date(now) }).users.temp?.select
        ?.result;
    expect(at('2025-12-01T00:00:00Z', '2026/02/01 00:00:00')).toBe('CONDITIONAL'); // not yet in effect
    expect(at('2026-01-15T00:00:00Z', '2026/02/01 00:00:00')).toBe('CONDITIONAL'); // in effect, but it ends
    expect(at('2026-03-01T00:00:00Z', '2026/02/01 00:00:00')).toBeUndefined(); // over for good
    expect(at('2030-01-01T00:00:00Z')).toBe('CONDITIONAL'); // never ends
    expect(at('2030-01-01T00:00:00Z', 'not a time')).toBe('CONDITIONAL'); // an end we cannot read never passes
  });

  it('reports items with custom conditions as CONDITIONAL', () => {
    const conditional = snapshot({
      id: 7,
      resources: on('SALES', '*', '*'),
      policyItems: [item(['select'], { users: ['vpn'] }, { conditions: [{ type: 'ip-range', values: ['10.*'] }] })],
    });
    expect(acl(conditional, sf('SALES')).users.vpn?.select?.result).toBe('CONDITIONAL');
  });

  it('lists the masks per column, in Ranger order, and the row filters of a table', () => {
    const masked = snapshot(
      {
        id: 20,
        name: 'mask ssn',
        policyType: 1,
        resources: { ...on('SALES', 'PUBLIC', 'CUSTOMERS'), column: { values: ['SSN'] } },
        dataMaskPolicyItems: [
          item(['select'], { groups: ['support'] }, { dataMaskInfo: { dataMaskType: 'MASK_SHOW_LAST_4' } }),
        ],
      },
      {
        id: 21,
        name: 'filter region',
        policyType: 2,
        resources: on('SALES', 'PUBLIC', 'CUSTOMERS'),
        rowFilterPolicyItems: [
          item(['select'], { groups: ['emea'] }, { rowFilterInfo: { filterExpr: "region = 'EMEA'" } }),
        ],
      },
    );
    const result = acl(masked, sf('SALES', 'PUBLIC', 'CUSTOMERS'));
    expect(result.masks).toEqual({
      SSN: [
        {
          users: [],
          groups: ['support'],
          roles: [],
          accessTypes: ['select'],
          dataMaskInfo: { dataMaskType: 'MASK_SHOW_LAST_4' },
          isConditional: false,
          policyId: 20,
        },
      ],
    });
    expect(result.rowFilters).toEqual([
      {
        users: [],
        groups: ['emea'],
        roles: [],
        accessTypes: ['select'],
        rowFilterInfo: { filterExpr: "region = 'EMEA'" },
        isConditional: false,
        policyId: 21,
      },
    ]);
    expect(acl(masked, sf('SALES', 'PUBLIC', 'CUSTOMERS'), { columns: ['NAME', 'SSN'] }).masks.NAME).toEqual([]);
    expect(acl(masked, sf('SALES')).rowFilters).toEqual([]);
  });

  it('keeps masks of columns named like inherited properties as their own entries', () => {
    const masked = snapshot({
      id: 22,
      name: 'mask odd names',
      policyType: 1,
      resources: { ...on('SALES', 'PUBLIC', 'T'), column: { values: ['__proto__', 'constructor'] } },
      dataMaskPolicyItems: [item(['select'], { groups: ['support'] }, { dataMaskInfo: { dataMaskType: 'MASK' } })],
    });
    const result = acl(masked, sf('SALES', 'PUBLIC', 'T'));
    expect(Object.keys(result.masks).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(result.masks)).toBe(Object.prototype);
    expect(result.masks.constructor).toEqual([expect.objectContaining({ policyId: 22 })]);
  });

  it('carries the policy version it was computed from', () => {
    expect(acl(snap, sf('SALES')).policyVersion).toBe(7);
  });
});

describe('resourceAcl (Databricks)', () => {
  it('a policy on main.*.* is in the ACL of the catalog and its tables', () => {
    const snap = snapshot({
      id: 1,
      resources: { catalog: { values: ['main'] }, schema: { values: ['*'] }, table: { values: ['*'] } },
      policyItems: [item(['use_catalog', 'select'], { groups: ['data-eng'] })],
    });
    const catalogAcl = resourceAcl(snap, databricksServiceDef, { catalog: 'MAIN' }, { now: NOW });
    expect(catalogAcl.groups['data-eng']?.use_catalog?.result).toBe('ALLOWED');
    const tableAcl = resourceAcl(
      snap,
      databricksServiceDef,
      { catalog: 'main', schema: 'default', table: 'trips' },
      { now: NOW },
    );
    expect(tableAcl.groups['data-eng']?.select?.result).toBe('ALLOWED');
  });
});
