import { describe, expect, it } from 'vitest';
import type { Member } from '../../../shared/connectors/membership-port.js';
import { desiredMemberships, type MembershipNaming, planMemberships } from '../../../shared/plan/membership-plan.js';
import { principalScope } from '../../../shared/plan/principal-scope.js';
import { UserStoreSchema } from '../../../shared/principals/user-store.js';

const naming: MembershipNaming = { role: (p) => p.name.toUpperCase(), user: (u) => u.toUpperCase() };
const store = UserStoreSchema.parse({
  groups: [
    { name: 'analysts', members: ['ann', 'bob'] },
    { name: 'ops', members: ['cat'] },
  ],
  roles: [{ name: 'lead', users: ['dan'], groups: ['analysts'], roles: ['auditor'] }, { name: 'auditor' }],
});
const desired = desiredMemberships(store, naming);
const user = (name: string): Member => ({ kind: 'user', name });
const role = (name: string): Member => ({ kind: 'role', name });
const everyone = new Set(['ANN', 'BOB', 'CAT', 'DAN', 'EVE']);
const allRoles = new Set(['ANALYSTS', 'OPS', 'LEAD', 'AUDITOR', 'ADMIN']);

const plan = (over: Partial<Parameters<typeof planMemberships>[0]> = {}) =>
  planMemberships({
    desired,
    actual: { members: new Map(), rolesOfUser: new Map(), existingRoles: allRoles, existingUsers: everyone },
    roles: [],
    users: [],
    manages: () => true,
    createUsers: false,
    ...over,
  });
const lines = (p: ReturnType<typeof planMemberships>) =>
  p.steps.map((s) =>
    s.op === 'CREATE_ROLE'
      ? `CREATE ROLE ${s.role}`
      : s.op === 'CREATE_USER'
        ? `CREATE USER ${s.user}`
        : `${s.op} ${s.role} ${s.member.kind} ${s.member.name}`,
  );

describe('desiredMemberships', () => {
  it("maps a group's users, and a role's users, groups and nested roles, to holders of its role", () => {
    expect(desired.members.get('ANALYSTS')).toEqual([user('ANN'), user('BOB')]);
    expect(desired.members.get('LEAD')).toEqual([user('DAN'), role('ANALYSTS'), role('AUDITOR')]);
    expect(desired.members.get('AUDITOR')).toEqual([]);
    expect(desired.rolesOfUser.get('ANN')).toEqual(['ANALYSTS']);
  });
});

describe('planMemberships', () => {
  it('grants missing holders before revoking ones Ranger does not have', () => {
    const p = plan({
      roles: ['ANALYSTS'],
      actual: {
        members: new Map([['ANALYSTS', [user('ANN'), user('EVE')]]]),
        rolesOfUser: new Map(),
        existingRoles: allRoles,
        existingUsers: everyone,
      },
    });
    expect(lines(p)).toEqual(['GRANT ANALYSTS user BOB', 'REVOKE ANALYSTS user EVE']);
    expect(p.unchanged).toBe(1);
  });

  it('creates a missing role, never drops one, and leaves an out-of-scope holder alone', () => {
    const p = plan({
      roles: ['LEAD'],
      actual: {
        members: new Map(),
        rolesOfUser: new Map(),
        existingRoles: new Set(['ANALYSTS']),
        existingUsers: everyone,
      },
      manages: (n) => n !== 'AUDITOR',
    });
    expect(lines(p)).toEqual(['CREATE ROLE LEAD', 'GRANT LEAD user DAN', 'GRANT LEAD role ANALYSTS']);
  });

  it('revokes only roles Ranger has from a user, and none outside the scope', () => {
    const p = plan({
      users: ['ANN'],
      actual: {
        members: new Map(),
        rolesOfUser: new Map([['ANN', ['OPS', 'ADMIN', 'ANALYSTS', 'LEAD']]]),
        existingRoles: allRoles,
        existingUsers: everyone,
      },
      manages: principalScope({ include: ['*'], exclude: ['LEAD'] }, []),
    });
    expect(lines(p)).toEqual(['REVOKE OPS user ANN']);
  });

  it("never grants or revokes the connector's own role, whatever its case", () => {
    const p = plan({
      roles: ['OPS'],
      actual: {
        members: new Map([['OPS', [role('SYNC_ROLE')]]]),
        rolesOfUser: new Map(),
        existingRoles: allRoles,
        existingUsers: everyone,
      },
      manages: principalScope({ include: ['*'], exclude: [] }, [{ kind: 'role', name: 'sync_role' }]),
    });
    expect(lines(p)).toEqual(['GRANT OPS user CAT']);
  });

  it('reports a missing user, or creates it first when allowed', () => {
    const missing = {
      members: new Map(),
      rolesOfUser: new Map(),
      existingRoles: allRoles,
      existingUsers: new Set(['ANN']),
    };
    const reported = plan({ roles: ['ANALYSTS'], actual: missing });
    expect(lines(reported)).toEqual(['GRANT ANALYSTS user ANN']);
    expect(reported.warnings).toEqual([
      '1 user(s) do not exist in the warehouse, so their memberships were not granted: BOB',
    ]);
    const created = plan({ roles: ['ANALYSTS'], actual: missing, createUsers: true });
    expect(lines(created)).toEqual(['CREATE USER BOB', 'GRANT ANALYSTS user ANN', 'GRANT ANALYSTS user BOB']);
  });
});
