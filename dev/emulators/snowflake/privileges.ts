import type { ObjectType } from './statement.js';

/**
 * Which privileges each object type takes (PROTOCOLS.md grant facts), and what `ALL` expands to. OWNERSHIP is
 * valid on every type but only through GRANT OWNERSHIP (a transfer); it is never revoked.
 */
const SCHEMA_CREATE = [
  'TABLE',
  'EXTERNAL TABLE',
  'VIEW',
  'MATERIALIZED VIEW',
  'MASKING POLICY',
  'ROW ACCESS POLICY',
  'TAG',
  'STAGE',
  'FILE FORMAT',
  'SEQUENCE',
  'FUNCTION',
  'PROCEDURE',
  'PIPE',
  'STREAM',
  'TASK',
  'DYNAMIC TABLE',
  'ICEBERG TABLE',
  'TEMPORARY TABLE',
  'ALERT',
  'SECRET',
  'NETWORK RULE',
  'EVENT TABLE',
].map((t) => `CREATE ${t}`);

export const ALL_PRIVILEGES: Record<ObjectType, readonly string[]> = {
  DATABASE: ['USAGE', 'MONITOR', 'MODIFY', 'CREATE SCHEMA', 'CREATE DATABASE ROLE'],
  SCHEMA: ['USAGE', 'MONITOR', 'MODIFY', 'ADD SEARCH OPTIMIZATION', ...SCHEMA_CREATE],
  TABLE: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES'],
  VIEW: ['SELECT', 'REFERENCES'],
};

const EXTRA: Record<ObjectType, readonly string[]> = {
  DATABASE: ['APPLYBUDGET'],
  SCHEMA: ['APPLYBUDGET'],
  TABLE: ['EVOLVE SCHEMA', 'APPLYBUDGET', 'REBUILD'],
  VIEW: [],
};

/** Every privilege name the parser accepts; anything else is a syntax error, as in Snowflake. */
export const KNOWN_PRIVILEGES: ReadonlySet<string> = new Set([
  'ALL',
  'OWNERSHIP',
  'OPERATE',
  'IMPORTED PRIVILEGES',
  'REFERENCE_USAGE',
  'MANAGE GRANTS',
  'CREATE DATABASE',
  'CREATE ROLE',
  'CREATE USER',
  'CREATE WAREHOUSE',
  ...Object.values(ALL_PRIVILEGES).flat(),
  ...Object.values(EXTRA).flat(),
]);

export function isValidOn(type: ObjectType, privilege: string): boolean {
  return privilege === 'OWNERSHIP' || ALL_PRIVILEGES[type].includes(privilege) || EXTRA[type].includes(privilege);
}
