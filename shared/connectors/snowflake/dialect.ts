import type { PlanStep } from '../plan-step.js';
import type { Securable } from '../securable.js';

/** Always quoted: `"` doubled inside. A name that reaches SQL is data, whatever characters it holds. */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export const qualified = (path: readonly string[]) => path.map(quoteIdent).join('.');

/** A database's INFORMATION_SCHEMA, which reads in real time (ACCOUNT_USAGE lags by hours). */
export const informationSchema = (database: string) => `${quoteIdent(database)}.INFORMATION_SCHEMA`;

const UNQUOTED = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * A name as a user writes it, the way Snowflake reads an identifier: `orders` and `ORDERS` are the unquoted
 * ORDERS; `"orders"` (in double quotes, `""` for a quote) is exactly orders; anything that cannot be an unquoted
 * identifier (`My Table`, `x"; DROP TABLE y; --`) is taken exactly as written.
 */
export function storedName(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/""/g, '"');
  return UNQUOTED.test(value) ? value.toUpperCase() : value;
}

const OBJECT_TYPE: Record<Securable['kind'], string> = {
  database: 'DATABASE',
  catalog: 'DATABASE',
  schema: 'SCHEMA',
  table: 'TABLE',
  view: 'VIEW',
  // Unity Catalog kinds: the Snowflake connector never loads them.
  function: 'FUNCTION',
  volume: 'VOLUME',
  model: 'MODEL',
};

/** One statement for every privilege of one object and one role. Privilege names come from our own fixed map. */
export function grantStatement(step: PlanStep): string {
  const on = `${OBJECT_TYPE[step.securable.kind]} ${qualified(step.securable.path)}`;
  const privileges = step.privileges.join(', ');
  return step.op === 'GRANT'
    ? `GRANT ${privileges} ON ${on} TO ROLE ${quoteIdent(step.principal.name)}`
    : `REVOKE ${privileges} ON ${on} FROM ROLE ${quoteIdent(step.principal.name)}`;
}

export const createRoleStatement = (role: string) => `CREATE ROLE IF NOT EXISTS ${quoteIdent(role)}`;
