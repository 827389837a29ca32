import type { PlanStep } from '../plan-step.js';
import type { PrincipalKind, Securable } from '../securable.js';

/** Always backquoted, a backtick doubled inside: a name that reaches SQL is data, whatever characters it holds. */
export const quoteIdent = (name: string) => `\`${name.replaceAll('`', '``')}\``;

export const qualified = (path: readonly string[]) => path.map(quoteIdent).join('.');

/** Principals are backquoted like identifiers (`alice@example.com`, `data engineers`) and keep their case. */
export const quotePrincipal = quoteIdent;

/**
 * A name as a caller writes it, the way Unity Catalog stores it: object names are lower case, so `Orders` and
 * `orders` are one table. A value in backquotes (`` `odd``name` ``) is unwrapped first; its case still folds.
 */
export function storedName(value: string): string {
  const unquoted =
    value.length >= 2 && value.startsWith('`') && value.endsWith('`')
      ? value.slice(1, -1).replaceAll('``', '`')
      : value;
  return unquoted.toLowerCase();
}

/**
 * Unity Catalog spells a privilege `USE CATALOG` in statements and may print `USE_CATALOG` in system views:
 * one canonical form (upper case, single spaces) for comparing what we read with what we plan.
 */
export const canonicalPrivilege = (written: string) => {
  const words = written.replaceAll('_', ' ').trim().split(/\s+/).join(' ').toUpperCase();
  return words === 'ALL' ? 'ALL PRIVILEGES' : words;
};

// The only privilege names that ever reach a statement (PROTOCOLS.md "Grant facts"): a name outside this set
// is refused before any SQL is built, so nothing read from a policy or the warehouse is spliced into SQL.
const PRIVILEGE_SQL = new Set([
  'USE CATALOG',
  'CREATE SCHEMA',
  'BROWSE',
  'USE SCHEMA',
  'CREATE TABLE',
  'CREATE FUNCTION',
  'CREATE VOLUME',
  'CREATE MODEL',
  'CREATE MATERIALIZED VIEW',
  'EXECUTE',
  'MODIFY',
  'SELECT',
  'READ VOLUME',
  'WRITE VOLUME',
  'REFRESH',
  'APPLY TAG',
  'MANAGE',
  'ALL PRIVILEGES',
]);

export const isWritablePrivilege = (privilege: string) => PRIVILEGE_SQL.has(canonicalPrivilege(privilege));

// Views are TABLE securables in Unity Catalog: `ON TABLE` works for both and never trips over a view that
// was replaced by a table (or back) between load and apply. A registered model "is a specific type of function
// [...] when granting privileges on models with SQL, you use GRANT ON FUNCTION"
// (learn.microsoft.com/azure/databricks/data-governance/unity-catalog/manage-privileges/privileges).
export const SECURABLE_SQL: Record<Securable['kind'], string> = {
  catalog: 'CATALOG',
  database: 'CATALOG',
  schema: 'SCHEMA',
  table: 'TABLE',
  view: 'TABLE',
  function: 'FUNCTION',
  model: 'FUNCTION',
  volume: 'VOLUME',
};

/** One statement for every privilege of one securable and one principal. */
export function grantStatement(step: PlanStep): string {
  const privileges = step.privileges.map((p) => {
    const canonical = canonicalPrivilege(p);
    if (!PRIVILEGE_SQL.has(canonical)) throw new RangeError(`${p} is not a Unity Catalog privilege policysync writes`);
    return canonical;
  });
  if (privileges.length === 0) throw new RangeError('a GRANT or REVOKE needs at least one privilege');
  const on = `${SECURABLE_SQL[step.securable.kind]} ${qualified(step.securable.path)}`;
  return step.op === 'GRANT'
    ? `GRANT ${privileges.join(', ')} ON ${on} TO ${quotePrincipal(step.principal.name)}`
    : `REVOKE ${privileges.join(', ')} ON ${on} FROM ${quotePrincipal(step.principal.name)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What kind of principal a Unity Catalog grantee is, from its name alone — the privilege views say nothing
 * else: service principals are application ids (UUIDs), users are e-mail addresses, anything else is a group.
 * The profile maps Ranger principals through the same rule, so grants read back compare equal to planned ones.
 */
export function principalKindOf(name: string): Extract<PrincipalKind, 'user' | 'group' | 'service_principal'> {
  if (UUID.test(name)) return 'service_principal';
  return name.includes('@') ? 'user' : 'group';
}
