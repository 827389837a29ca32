/**
 * Unity Catalog privileges per securable (PROTOCOLS.md "Grant facts"). A catalog or schema also takes the
 * privileges of what it contains: granted there, they are inherited by every child object.
 */
export type SecurableType = 'CATALOG' | 'SCHEMA' | 'TABLE' | 'VIEW' | 'FUNCTION' | 'VOLUME';

const TABLE = ['SELECT', 'MODIFY', 'APPLY TAG', 'MANAGE', 'ALL PRIVILEGES'];
const VIEW = ['SELECT', 'ALL PRIVILEGES'];
// Registered models are FUNCTION securables (GRANT ... ON FUNCTION); APPLY TAG is a model's, taken on any function.
const FUNCTION = ['EXECUTE', 'APPLY TAG', 'MANAGE', 'ALL PRIVILEGES'];
const VOLUME = ['READ VOLUME', 'WRITE VOLUME', 'MANAGE', 'ALL PRIVILEGES'];
const SCHEMA = [
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
];
const CATALOG = ['USE CATALOG', 'CREATE SCHEMA', 'BROWSE', ...SCHEMA];

export const PRIVILEGES: Record<SecurableType, readonly string[]> = { CATALOG, SCHEMA, TABLE, VIEW, FUNCTION, VOLUME };

/** Privileges Unity Catalog knows on other securables: refused as "not applicable", not as unknown. */
const ELSEWHERE = [
  'CREATE CATALOG',
  'CREATE CONNECTION',
  'CREATE EXTERNAL LOCATION',
  'CREATE EXTERNAL TABLE',
  'CREATE EXTERNAL VOLUME',
  'CREATE FOREIGN CATALOG',
  'CREATE MANAGED STORAGE',
  'CREATE STORAGE CREDENTIAL',
  'EXTERNAL USE SCHEMA',
  'READ FILES',
  'WRITE FILES',
  'USE CONNECTION',
  'USE SHARE',
  'USE RECIPIENT',
  'USE PROVIDER',
  'CREATE SHARE',
  'CREATE RECIPIENT',
  'CREATE PROVIDER',
  'SET SHARE PERMISSION',
  'USE MARKETPLACE ASSETS',
  'CREATE SERVICE CREDENTIAL',
  'ACCESS',
];
const KNOWN = new Set([...CATALOG, ...ELSEWHERE]);

/** `use_catalog`, `Use  Catalog` and `USE CATALOG` are one privilege; `ALL` is `ALL PRIVILEGES`. */
export function canonicalPrivilege(written: string): string {
  const words = written.replaceAll('_', ' ').trim().split(/\s+/).join(' ').toUpperCase();
  return words === 'ALL' ? 'ALL PRIVILEGES' : words;
}

export const isKnownPrivilege = (privilege: string): boolean => KNOWN.has(privilege);
export const appliesTo = (privilege: string, type: SecurableType): boolean => PRIVILEGES[type].includes(privilege);
