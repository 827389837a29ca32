import type { ResourceRef } from '../../task/request.js';
import { quoteIdent, storedName } from './dialect.js';

/**
 * One statement that reads a resource's objects and every direct grant on them and on their parents from
 * `<db>.INFORMATION_SCHEMA` (real time, unlike ACCOUNT_USAGE): branches joined by UNION ALL, each row tagged
 * with its KIND, so a sync already in place costs one round trip. Names are bindings, never SQL text.
 */
export interface CatalogQuery { sql: string; binds: string[]; database: string; schema?: string; table?: string }

const TABLES = (db: string) => `${quoteIdent(db)}.INFORMATION_SCHEMA`;

export function catalogQuery(ref: ResourceRef): CatalogQuery {
  const database = storedName(ref.values.database ?? '');
  const info = TABLES(database);
  const schema = ref.type === 'database' ? undefined : storedName(ref.values.schema ?? '');
  const table = ref.type === 'database' || ref.type === 'schema' ? undefined : storedName(ref.values.table ?? '');
  const where = (schemaCol: string, tableCol: string) =>
    table !== undefined ? ` WHERE ${schemaCol} = ? AND ${tableCol} = ?` : schema !== undefined ? ` WHERE ${schemaCol} = ?` : '';
  const scopeBinds = [schema, table].filter((x): x is string => x !== undefined);

  const branches: [string, string[]][] = [
    [`SELECT 'SCHEMA' AS KIND, SCHEMA_NAME AS A, NULL AS B, NULL AS C, NULL AS D FROM ${info}.SCHEMATA${schema !== undefined ? ' WHERE SCHEMA_NAME = ?' : ''}`, schema !== undefined ? [schema] : []],
    [`SELECT 'OBJECT', TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, NULL FROM ${info}.TABLES${where('TABLE_SCHEMA', 'TABLE_NAME')}`, scopeBinds],
    [`SELECT 'TABLE_GRANT', TABLE_SCHEMA, TABLE_NAME, GRANTEE, PRIVILEGE_TYPE FROM ${info}.TABLE_PRIVILEGES${where('TABLE_SCHEMA', 'TABLE_NAME')}`, scopeBinds],
    [`SELECT 'OBJECT_GRANT', OBJECT_TYPE, OBJECT_NAME, GRANTEE, PRIVILEGE_TYPE FROM ${info}.OBJECT_PRIVILEGES`, []],
  ];
  if (ref.type === 'column') {
    branches.push([`SELECT 'COLUMN', TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM ${info}.COLUMNS${where('TABLE_SCHEMA', 'TABLE_NAME')}`, scopeBinds]);
  }
  return {
    sql: branches.map(([sql]) => sql).join(' UNION ALL '),
    binds: branches.flatMap(([, binds]) => binds),
    database, ...(schema !== undefined ? { schema } : {}), ...(table !== undefined ? { table } : {}),
  };
}
