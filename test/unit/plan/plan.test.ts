import { describe, expect, it } from 'vitest';
import type { Grant, Securable } from '../../../shared/connectors/securable.js';
import type { DesiredGrant } from '../../../shared/plan/desired.js';
import { plan } from '../../../shared/plan/plan.js';
import { managedScope } from '../../../shared/plan/scope.js';

const orders: Securable = { kind: 'table', path: ['SALES', 'PUBLIC', 'ORDERS'] };
const schema: Securable = { kind: 'schema', path: ['SALES', 'PUBLIC'] };
const role = (name: string) => ({ kind: 'role' as const, name });
const g = (securable: Securable, r: string, privilege: string, reason = 'policy 1'): DesiredGrant => ({
  securable,
  principal: role(r),
  privilege,
  reason,
});
const scope = managedScope({
  ignoreRoles: ['SYSADMIN', 'ACCOUNT*'],
  ignoreObjects: ['SALES.SECRET*'],
  managedPrivileges: ['SELECT', 'INSERT', 'USAGE'],
});

describe('plan', () => {
  it('grants what is missing in one statement per object and role, before any revoke', () => {
    const steps = plan({
      desired: [g(orders, 'ANALYST', 'SELECT'), g(orders, 'ANALYST', 'INSERT')],
      actual: [g(orders, 'OLD', 'SELECT')],
      revocable: [orders],
      scope,
      identity: [],
    });
    expect(steps.map((s) => [s.op, s.principal.name, s.privileges])).toEqual([
      ['GRANT', 'ANALYST', ['INSERT', 'SELECT']],
      ['REVOKE', 'OLD', ['SELECT']],
    ]);
  });

  it('plans nothing when desired and actual agree', () => {
    const both = [g(orders, 'ANALYST', 'SELECT'), g(schema, 'ANALYST', 'USAGE')];
    expect(plan({ desired: both, actual: both, revocable: [orders], scope, identity: [] })).toEqual([]);
  });

  it('never revokes OWNERSHIP, an ignored role, an unmanaged privilege or a grant on an ignored object', () => {
    const secret: Securable = { kind: 'table', path: ['SALES', 'SECRET_HR', 'SALARIES'] };
    const actual: Grant[] = [
      g(orders, 'ANALYST', 'OWNERSHIP'),
      g(orders, 'SYSADMIN', 'SELECT'),
      g(orders, 'ACCOUNTADMIN', 'SELECT'),
      g(orders, 'ANALYST', 'REFERENCES'),
      g(secret, 'ANALYST', 'SELECT'),
    ];
    expect(plan({ desired: [], actual, revocable: [orders, secret], scope, identity: [] })).toEqual([]);
  });

  it('only adds to parents: a USAGE on the schema held by a role no policy names stays', () => {
    const steps = plan({
      desired: [g(schema, 'ANALYST', 'USAGE', 'parent')],
      actual: [g(schema, 'OTHER', 'USAGE')],
      revocable: [orders],
      scope,
      identity: [],
    });
    expect(steps.map((s) => s.op)).toEqual(['GRANT']);
  });

  it('orders grants parents first and revokes children first', () => {
    const db: Securable = { kind: 'database', path: ['SALES'] };
    const steps = plan({
      desired: [g(orders, 'A', 'SELECT'), g(schema, 'A', 'USAGE'), g(db, 'A', 'USAGE')],
      actual: [],
      revocable: [orders],
      scope,
      identity: [],
    });
    expect(steps.map((s) => s.securable.kind)).toEqual(['database', 'schema', 'table']);
  });

  it("never grants to or revokes from the connector's own role, even with no ignored roles at all", () => {
    const open = managedScope({ ignoreRoles: [], ignoreObjects: [], managedPrivileges: ['SELECT', 'INSERT', 'USAGE'] });
    const steps = plan({
      desired: [g(orders, 'POLICYSYNC', 'SELECT'), g(schema, 'POLICYSYNC', 'USAGE'), g(orders, 'ANALYST', 'SELECT')],
      actual: [g(orders, 'POLICYSYNC', 'INSERT')],
      revocable: [orders],
      scope: open,
      identity: [role('policysync')],
    });
    expect(steps.map((s) => `${s.op} ${s.principal.name}`)).toEqual(['GRANT ANALYST']);
  });

  it('carries every reason of a merged step', () => {
    const steps = plan({
      desired: [g(orders, 'A', 'SELECT', 'policy 1'), g(orders, 'A', 'INSERT', 'policy 2')],
      actual: [],
      revocable: [orders],
      scope,
      identity: [],
    });
    expect(steps[0]!.reason).toBe('policy 1, policy 2');
  });
});
