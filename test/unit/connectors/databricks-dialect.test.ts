import { describe, expect, it } from 'vitest';
import {
  canonicalPrivilege,
  grantStatement,
  principalKindOf,
  qualified,
  quoteIdent,
  storedName,
} from '../../../shared/connectors/databricks/dialect.js';
import type { PlanStep } from '../../../shared/connectors/plan-step.js';
import type { Securable } from '../../../shared/connectors/securable.js';

const step = (op: PlanStep['op'], securable: Securable, principal: string, privileges: string[]): PlanStep => ({
  op,
  securable,
  principal: { kind: principalKindOf(principal), name: principal },
  privileges,
  reason: 'test',
});

describe('Databricks dialect', () => {
  it.each([
    ['orders', '`orders`'],
    ['odd`name', '`odd``name`'],
    ['``', '``````'],
    ['x`; DROP TABLE y; --', '`x``; DROP TABLE y; --`'],
    ['My Table', '`My Table`'],
    ['', '``'],
  ])('backquotes %j as %s', (name, quoted) => {
    expect(quoteIdent(name)).toBe(quoted);
  });

  it('qualifies a path part by part, so a dot inside a name stays inside its part', () => {
    expect(qualified(['main', 'sales.eu', 'orders'])).toBe('`main`.`sales.eu`.`orders`');
  });

  it.each([
    ['orders', 'orders'],
    ['Orders', 'orders'],
    ['`Odd``Name`', 'odd`name'],
    ['My Table', 'my table'],
    ['`', '`'],
  ])(
    'reads the request value %j as the stored name %j (Unity Catalog stores object names in lower case)',
    (value, stored) => {
      expect(storedName(value)).toBe(stored);
    },
  );

  it('renders one GRANT with every privilege of one securable and principal', () => {
    expect(
      grantStatement(
        step('GRANT', { kind: 'table', path: ['main', 'sales', 'orders'] }, 'Bob.Smith@Example.com', [
          'MODIFY',
          'SELECT',
        ]),
      ),
    ).toBe('GRANT MODIFY, SELECT ON TABLE `main`.`sales`.`orders` TO `Bob.Smith@Example.com`');
  });

  it('renders REVOKE ... FROM with a backquoted group whose name holds a backtick and a space', () => {
    expect(
      grantStatement(step('REVOKE', { kind: 'schema', path: ['main', 'sales'] }, 'weird` group', ['USE SCHEMA'])),
    ).toBe('REVOKE USE SCHEMA ON SCHEMA `main`.`sales` FROM `weird`` group`');
  });

  it('grants on a catalog, and on a view as the TABLE securable Unity Catalog makes it', () => {
    expect(
      grantStatement(step('GRANT', { kind: 'catalog', path: ['main'] }, 'analysts', ['USE CATALOG', 'BROWSE'])),
    ).toBe('GRANT USE CATALOG, BROWSE ON CATALOG `main` TO `analysts`');
    expect(
      grantStatement(step('GRANT', { kind: 'view', path: ['main', 'sales', 'orders_v'] }, 'analysts', ['SELECT'])),
    ).toBe('GRANT SELECT ON TABLE `main`.`sales`.`orders_v` TO `analysts`');
  });

  it('writes privileges in their canonical spelling', () => {
    expect(
      grantStatement(
        step('GRANT', { kind: 'schema', path: ['main', 'sales'] }, 'analysts', ['use_schema', 'read  volume']),
      ),
    ).toBe('GRANT USE SCHEMA, READ VOLUME ON SCHEMA `main`.`sales` TO `analysts`');
  });

  it('refuses a privilege outside its fixed list instead of splicing it into SQL', () => {
    expect(() =>
      grantStatement(
        step('GRANT', { kind: 'table', path: ['main', 'sales', 'orders'] }, 'analysts', [
          'SELECT ON TABLE x TO `y`; --',
        ]),
      ),
    ).toThrow(/not a Unity Catalog privilege/);
    expect(() =>
      grantStatement(step('GRANT', { kind: 'table', path: ['main', 'sales', 'orders'] }, 'analysts', [])),
    ).toThrow(/at least one privilege/);
  });

  it.each([
    ['USE_CATALOG', 'USE CATALOG'],
    ['use catalog', 'USE CATALOG'],
    ['ALL', 'ALL PRIVILEGES'],
    ['Select', 'SELECT'],
  ])('compares privilege %j as %j', (written, canonical) => {
    expect(canonicalPrivilege(written)).toBe(canonical);
  });

  it.each([
    ['alice@example.com', 'user'],
    ['Bob.Smith@Example.com', 'user'],
    ['data engineers', 'group'],
    ['6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b', 'service_principal'],
    ['6F1C2A9E-3B4D-4E5F-8A7B-9C0D1E2F3A4B', 'service_principal'],
  ])('reads %j as a %s', (name, kind) => {
    expect(principalKindOf(name)).toBe(kind);
  });
});
