import { describe, expect, it } from 'vitest';
import { snowflakeProfile } from '../../../shared/connectors/snowflake/profile.js';
import { desiredGrants } from '../../../shared/plan/desired.js';
import type { ResourceAcl } from '../../../shared/policy/index.js';

const profile = snowflakeProfile({ userRoleTemplate: 'USER_{name}', case: 'upper' });
const acl = (partial: Partial<ResourceAcl>): ResourceAcl => ({
  users: {},
  groups: {},
  roles: {},
  masks: {},
  rowFilters: [],
  policyVersion: 1,
  ...partial,
});
const orders = { kind: 'table' as const, path: ['SALES', 'PUBLIC', 'ORDERS'] };
const allowed = (policyId: number) => ({ result: 'ALLOWED' as const, policyId });

describe('desiredGrants', () => {
  it('maps allowed access types to privileges, roles and groups to roles, users through the template, with USAGE on the parents', () => {
    const { grants } = desiredGrants(
      [
        {
          securable: orders,
          acl: acl({
            roles: { analyst: { select: allowed(1) } },
            groups: { finance: { update: allowed(2) } },
            users: { bob: { insert: allowed(3) } },
          }),
        },
      ],
      profile,
    );
    const text = grants.map((g) => `${g.privilege} ${g.securable.path.join('.')} ${g.principal.name} (${g.reason})`);
    expect(text).toEqual(
      expect.arrayContaining([
        'SELECT SALES.PUBLIC.ORDERS ANALYST (policy 1)',
        'UPDATE SALES.PUBLIC.ORDERS FINANCE (policy 2)',
        'INSERT SALES.PUBLIC.ORDERS USER_BOB (policy 3)',
        'USAGE SALES.PUBLIC ANALYST (parent of SALES.PUBLIC.ORDERS)',
        'USAGE SALES ANALYST (parent of SALES.PUBLIC.ORDERS)',
      ]),
    );
  });

  it("gives a parent's USAGE every reason once, in the order met, however many objects lie below it", () => {
    const tables = Array.from({ length: 300 }, (_, i) => ({
      kind: 'table' as const,
      path: ['SALES', 'PUBLIC', `T${i}`],
    }));
    const analyst = acl({ roles: { analyst: { select: allowed(1), insert: allowed(2) } } });
    const { grants } = desiredGrants(
      [
        {
          securable: { kind: 'schema', path: ['SALES', 'PUBLIC'] },
          acl: acl({ roles: { analyst: { usage: allowed(7) } } }),
        },
        ...tables.map((securable) => ({ securable, acl: analyst })),
        { securable: tables[0]!, acl: analyst },
      ],
      profile,
    );
    const usage = grants.find((g) => g.privilege === 'USAGE' && g.securable.path.join('.') === 'SALES.PUBLIC');
    expect(usage?.reason).toBe(['policy 7', ...tables.map((t) => `parent of ${t.path.join('.')}`)].join(', '));
    const select = grants.find((g) => g.privilege === 'SELECT' && g.securable.path.join('.') === 'SALES.PUBLIC.T0');
    expect(select?.reason).toBe('policy 1');
  });

  it('ignores access types that mean nothing on the object (select on a database)', () => {
    const { grants } = desiredGrants(
      [{ securable: { kind: 'database', path: ['SALES'] }, acl: acl({ roles: { a: { select: allowed(1) } } }) }],
      profile,
    );
    expect(grants).toEqual([]);
  });

  it('grants nothing for an access type named like an inherited property', () => {
    const { grants } = desiredGrants(
      [
        {
          securable: orders,
          acl: acl({ roles: { a: { constructor: allowed(1), ['__proto__']: allowed(1), toString: allowed(1) } } }),
        },
      ],
      profile,
    );
    expect(grants).toEqual([]);
  });

  it('warns about a deny grants cannot express and about a conditional allow, granting neither', () => {
    const { grants, warnings } = desiredGrants(
      [
        {
          securable: orders,
          acl: acl({
            roles: { analyst: { select: allowed(1) } },
            users: { mallory: { select: { result: 'DENIED', policyId: 2 } } },
            groups: { contractors: { insert: { result: 'CONDITIONAL', policyId: 3 } } },
          }),
        },
      ],
      profile,
    );
    expect(grants.some((g) => g.principal.name === 'USER_MALLORY' || g.principal.name === 'CONTRACTORS')).toBe(false);
    expect(warnings.join('\n')).toMatch(/select is denied to user mallory/);
    expect(warnings.join('\n')).toMatch(/insert for group contractors .* is conditional/);
  });
});
