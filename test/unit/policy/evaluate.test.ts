import { describe, expect, it } from 'vitest';
import {
  databricksServiceDef,
  isAccessAllowed,
  type PolicySnapshot,
  snowflakeServiceDef,
} from '../../../shared/policy/index.js';
import { NOW, sf, snapshot } from './fixtures.js';

const allow = (users: string[], accesses: string[], extra: Record<string, unknown> = {}) => ({
  accesses: accesses.map((type) => ({ type })),
  users,
  ...extra,
});
const salesStar = { database: { values: ['SALES'] }, schema: { values: ['*'] }, table: { values: ['*'] } };

function ask(
  snap: PolicySnapshot,
  resource: Record<string, string>,
  accessType: string,
  user: string,
  userGroups: string[] = [],
  more: {
    userRoles?: string[];
    now?: Date;
    roleMembers?: Record<string, { users?: string[]; groups?: string[] }>;
  } = {},
) {
  return isAccessAllowed(
    snap,
    snowflakeServiceDef,
    { resource, accessType, user, userGroups, ...(more.userRoles ? { userRoles: more.userRoles } : {}) },
    { now: more.now ?? NOW, ...(more.roleMembers ? { roleMembers: more.roleMembers } : {}) },
  );
}

describe('isAccessAllowed (Snowflake resources)', () => {
  const readers = snapshot({
    id: 10,
    name: 'sales readers',
    resources: salesStar,
    policyItems: [allow(['ann'], ['select'])],
  });

  it('a policy on SALES.*.* allows SELECT on SALES.PUBLIC.ORDERS, case-insensitively', () => {
    expect(ask(readers, sf('sales', 'public', 'orders'), 'select', 'ann')).toEqual({
      isAllowed: true,
      policyId: 10,
      policyVersion: 7,
    });
  });

  it('allows nothing the policy does not name: another user, another access, another database', () => {
    expect(ask(readers, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'bob').isAllowed).toBe(false);
    expect(ask(readers, sf('SALES', 'PUBLIC', 'ORDERS'), 'insert', 'ann').isAllowed).toBe(false);
    expect(ask(readers, sf('HR', 'PUBLIC', 'ORDERS'), 'select', 'ann')).toEqual({
      isAllowed: false,
      policyId: null,
      policyVersion: 7,
    });
  });

  it('does not cascade a database-only policy to the tables below it', () => {
    const dbOnly = snapshot({
      id: 1,
      resources: { database: { values: ['SALES'] } },
      policyItems: [allow(['ann'], ['usage', 'select'])],
    });
    expect(ask(dbOnly, sf('SALES'), 'usage', 'ann').isAllowed).toBe(true);
    expect(ask(dbOnly, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'ann').isAllowed).toBe(false);
  });

  it('answers "any access" on a database from a policy on something inside it', () => {
    const tableOnly = snapshot({
      id: 3,
      resources: { database: { values: ['SALES'] }, schema: { values: ['PUBLIC'] }, table: { values: ['ORDERS'] } },
      policyItems: [allow(['ann'], ['select'])],
    });
    expect(ask(tableOnly, sf('SALES'), '', 'ann')).toMatchObject({ isAllowed: true, policyId: 3 });
    expect(ask(tableOnly, sf('SALES'), 'select', 'ann').isAllowed).toBe(false);
  });

  it('denies before it allows within a policy, and a deny exception cancels only the deny', () => {
    const snap = snapshot({
      id: 4,
      resources: salesStar,
      policyItems: [allow([], ['select'], { groups: ['analysts'] })],
      denyPolicyItems: [allow(['mallory', 'carol'], ['select'])],
      denyExceptions: [allow(['carol'], ['select'])],
    });
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'mallory', ['analysts'])).toMatchObject({
      isAllowed: false,
      policyId: 4,
    });
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'carol', ['analysts']).isAllowed).toBe(true);
  });

  it('an allow exception cancels the allow without denying: a later policy may still allow', () => {
    const snap = snapshot(
      {
        id: 5,
        name: 'a',
        resources: salesStar,
        policyItems: [allow([], ['select'], { groups: ['analysts'] })],
        allowExceptions: [allow(['intern'], ['select'])],
      },
      { id: 6, name: 'b', resources: salesStar, policyItems: [allow(['intern'], ['select'])] },
    );
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'intern', ['analysts'])).toMatchObject({
      isAllowed: true,
      policyId: 6,
    });
  });

  it('a deny in one policy beats an allow in another of the same priority, whatever their order in the file', () => {
    const a = { id: 7, name: 'allow', resources: salesStar, policyItems: [allow(['ann'], ['select'])] };
    const d = { id: 8, name: 'deny', resources: salesStar, denyPolicyItems: [allow(['ann'], ['select'])] };
    expect(ask(snapshot(a, d), sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'ann')).toMatchObject({
      isAllowed: false,
      policyId: 8,
    });
    expect(ask(snapshot(d, a), sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'ann')).toMatchObject({
      isAllowed: false,
      policyId: 8,
    });
  });

  it('an OVERRIDE policy allow beats a NORMAL deny', () => {
    const snap = snapshot(
      {
        id: 1,
        name: 'break glass',
        policyPriority: 1,
        resources: salesStar,
        policyItems: [allow(['oncall'], ['select'])],
      },
      {
        id: 2,
        name: 'lock down',
        resources: salesStar,
        denyPolicyItems: [allow([], ['select'], { groups: ['public'] })],
      },
    );
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'oncall')).toMatchObject({
      isAllowed: true,
      policyId: 1,
    });
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'ann')).toMatchObject({
      isAllowed: false,
      policyId: 2,
    });
  });

  it('isDenyAllElse denies every access the policy does not grant, to everyone it does not name', () => {
    const snap = snapshot(
      { id: 9, isDenyAllElse: true, resources: salesStar, policyItems: [allow(['ann'], ['select'])] },
      { id: 10, resources: salesStar, policyItems: [allow(['bob', 'ann'], ['select', 'insert'])] },
    );
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'bob')).toMatchObject({
      isAllowed: false,
      policyId: 9,
    });
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'insert', 'ann')).toMatchObject({
      isAllowed: false,
      policyId: 9,
    });
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'ann')).toMatchObject({ isAllowed: true, policyId: 9 });
  });

  it('the group public names every user', () => {
    const snap = snapshot({
      id: 11,
      resources: salesStar,
      policyItems: [allow([], ['select'], { groups: ['public'] })],
    });
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'anyone').isAllowed).toBe(true);
  });

  it('roles match directly or through role membership', () => {
    const snap = snapshot({
      id: 12,
      resources: salesStar,
      policyItems: [allow([], ['select'], { roles: ['ANALYST'] })],
    });
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'ann', [], { userRoles: ['ANALYST'] }).isAllowed).toBe(
      true,
    );
    expect(
      ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'bob', ['finance'], {
        roleMembers: { ANALYST: { groups: ['finance'] } },
      }).isAllowed,
    ).toBe(true);
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'eve').isAllowed).toBe(false);
  });

  it('resolves {USER} in resource values and item users to the requesting user', () => {
    const snap = snapshot({
      id: 13,
      resources: { database: { values: ['USER_{USER}'] }, schema: { values: ['*'] }, table: { values: ['*'] } },
      policyItems: [allow(['{USER}'], ['select'])],
    });
    expect(ask(snap, sf('USER_ANN', 'S', 'T'), 'select', 'ann').isAllowed).toBe(true);
    expect(ask(snap, sf('USER_ANN', 'S', 'T'), 'select', 'bob').isAllowed).toBe(false);
  });

  it('applies a policy only inside its validity schedule, by the injected clock', () => {
    const snap = snapshot({
      id: 14,
      resources: salesStar,
      policyItems: [allow(['ann'], ['select'])],
      validitySchedules: [{ startTime: '2026/01/01 00:00:00', endTime: '2026/12/31 23:59:59', timeZone: 'UTC' }],
    });
    expect(
      ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'ann', [], { now: new Date('2026-06-01T00:00:00Z') })
        .isAllowed,
    ).toBe(true);
    expect(
      ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'ann', [], { now: new Date('2027-01-01T00:00:00Z') })
        .isAllowed,
    ).toBe(false);
  });

  it('expands "all" to every access type of the definition', () => {
    const snap = snapshot({ id: 15, resources: salesStar, policyItems: [allow(['ann'], ['all'])] });
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'truncate', 'ann').isAllowed).toBe(true);
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'ownership', 'ann').isAllowed).toBe(false);
  });

  it('ignores disabled policies', () => {
    const snap = snapshot({
      id: 16,
      isEnabled: false,
      resources: salesStar,
      policyItems: [allow(['ann'], ['select'])],
    });
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'ann').isAllowed).toBe(false);
  });

  it('fails closed on custom conditions it cannot evaluate: no conditional allow, conditional denies apply', () => {
    const ipOnly = [{ type: 'ip-range', values: ['10.*'] }];
    const snap = snapshot({
      id: 17,
      resources: salesStar,
      policyItems: [allow(['ann'], ['select'], { conditions: ipOnly }), allow(['bob'], ['select'])],
      denyPolicyItems: [allow(['bob'], ['select'], { conditions: ipOnly })],
    });
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'ann').isAllowed).toBe(false);
    expect(ask(snap, sf('SALES', 'PUBLIC', 'ORDERS'), 'select', 'bob').isAllowed).toBe(false);
  });
});

describe('isAccessAllowed (Databricks resources)', () => {
  it('a policy on main.*.* allows SELECT on main.default.trips', () => {
    const snap = snapshot({
      id: 1,
      resources: { catalog: { values: ['main'] }, schema: { values: ['*'] }, table: { values: ['*'] } },
      policyItems: [{ accesses: [{ type: 'select' }, { type: 'use_schema' }], groups: ['data-eng'] }],
    });
    const ask = (resource: Record<string, string>, accessType: string) =>
      isAccessAllowed(
        snap,
        databricksServiceDef,
        { resource, accessType, user: 'ann', userGroups: ['data-eng'] },
        { now: NOW },
      ).isAllowed;
    expect(ask({ catalog: 'main', schema: 'default', table: 'trips' }, 'select')).toBe(true);
    expect(ask({ catalog: 'main', schema: 'default' }, 'use_schema')).toBe(true);
    expect(ask({ catalog: 'other', schema: 'default', table: 'trips' }, 'select')).toBe(false);
  });
});
