import { describe, expect, it } from 'vitest';
import type { Securable } from '../../../shared/connectors/securable.js';
import { snowflakeProfile } from '../../../shared/connectors/snowflake/profile.js';
import { type DesiredGrant, desiredGrants } from '../../../shared/plan/desired.js';
import { plan } from '../../../shared/plan/plan.js';
import { managedScope } from '../../../shared/plan/scope.js';
import type { ResourceAcl } from '../../../shared/policy/index.js';

// Two schemas whose dotted names read the same, and two tables: the name is the path array, never its dotted text.
const schemaAB: Securable = { kind: 'schema', path: ['A.B', 'C'] };
const schemaA: Securable = { kind: 'schema', path: ['A', 'B.C'] };
const tableAB: Securable = { kind: 'table', path: ['D', 'A.B', 'C'] };
const tableA: Securable = { kind: 'table', path: ['D', 'A', 'B.C'] };
const role = { kind: 'role' as const, name: 'ANALYST' };
const grant = (securable: Securable, privilege: string): DesiredGrant => ({
  securable,
  principal: role,
  privilege,
  reason: 'policy 1',
});
const scope = managedScope({ ignoreRoles: [], ignoreObjects: [], managedPrivileges: ['SELECT', 'USAGE'] });
const steps = (desired: DesiredGrant[], actual: DesiredGrant[], revocable: Securable[]) =>
  plan({ desired, actual, revocable, scope, identity: [] })
    .map((s) => `${s.op} ${s.privileges.join(',')} ${JSON.stringify(s.securable.path)}`)
    .sort();

describe('a securable is its path, not its dotted name', () => {
  it('plans a grant on each of "A.B"."C" and "A"."B.C", one statement each', () => {
    expect(steps([grant(schemaAB, 'USAGE'), grant(schemaA, 'USAGE')], [], [schemaAB, schemaA])).toEqual([
      'GRANT USAGE ["A","B.C"]',
      'GRANT USAGE ["A.B","C"]',
    ]);
    expect(steps([grant(tableAB, 'SELECT'), grant(tableA, 'SELECT')], [], [tableAB, tableA])).toEqual([
      'GRANT SELECT ["D","A","B.C"]',
      'GRANT SELECT ["D","A.B","C"]',
    ]);
  });

  it('grants on one where only the other already holds the grant', () => {
    expect(
      steps([grant(tableAB, 'SELECT'), grant(tableA, 'SELECT')], [grant(tableAB, 'SELECT')], [tableAB, tableA]),
    ).toEqual(['GRANT SELECT ["D","A","B.C"]']);
  });

  it('revokes a drifted grant on one while the other is meant to hold it', () => {
    expect(
      steps([grant(schemaAB, 'USAGE')], [grant(schemaAB, 'USAGE'), grant(schemaA, 'USAGE')], [schemaAB, schemaA]),
    ).toEqual(['REVOKE USAGE ["A","B.C"]']);
  });

  it('keeps the desired grants of both tables apart', () => {
    const acl: ResourceAcl = {
      users: {},
      groups: {},
      roles: { analyst: { select: { result: 'ALLOWED', policyId: 1 } } },
      masks: {},
      rowFilters: [],
      policyVersion: 1,
    };
    const { grants } = desiredGrants(
      [
        { securable: tableAB, acl },
        { securable: tableA, acl },
      ],
      snowflakeProfile({ userRoleTemplate: '{name}', case: 'upper' }),
    );
    expect(
      grants
        .filter((g) => g.privilege === 'SELECT')
        .map((g) => JSON.stringify(g.securable.path))
        .sort(),
    ).toEqual(['["D","A","B.C"]', '["D","A.B","C"]']);
  });
});
