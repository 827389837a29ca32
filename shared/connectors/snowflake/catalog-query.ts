import type { ResourceRef } from '../../task/request.js';
import { quoteIdent, storedName } from './dialect.js';

/**
 * One statement that reads a resource's objects and every direct grant on them and on their parents from
 * `<db>.INFORMATION_SCHEMA` (real time, unlike ACCOUNT_USAGE): branches joined by UNION ALL, each row tagged
 * with its KIND, so a sync already in place costs one round trip. Names are bindings, never SQL text.
 */
export interface CatalogQuery { sql: string; binds: string[]; database: string; schema?: string; table?: string }

const TABLES = (db: string) => `${quoteIdent(db)}.INFORMATION_SCHEMA`;

interface Branch { kind: string; columns: [string, string, string, string]; from: string; binds: string[] }

/** Branches as one statement; a UNION takes its column names from the first branch, whichever that is. */
function union(branches: Branch[]): { sql: string; binds: string[] } {
  const names = ['A', 'B', 'C', 'D'];
  const sql = branches.map((b, i) => (i === 0
    ? `SELECT '${b.kind}' AS KIND, ${b.columns.map((c, j) => `${c} AS ${names[j]}`).join(', ')} FROM ${b.from}`
    : `SELECT '${b.kind}', ${b.columns.join(', ')} FROM ${b.from}`)).join(' UNION ALL ');
  return { sql, binds: branches.flatMap((b) => b.binds) };
}

export function catalogQuery(ref: ResourceRef): CatalogQuery {
  const database = storedName(ref.values.database ?? '');
  const info = TABLES(database);
  const schema = ref.type === 'database' ? undefined : storedName(ref.values.schema ?? '');
  const table = ref.type === 'database' || ref.type === 'schema' ? undefined : storedName(ref.values.table ?? '');
  const where = (schemaCol: string, tableCol: string) =>
    table !== undefined ? ` WHERE ${schemaCol} = ? AND ${tableCol} = ?` : schema !== undefined ? ` WHERE ${schemaCol} = ?` : '';
  const scopeBinds = [schema, table].filter((x): x is string => x !== undefined);

  const branches: Branch[] = [];
  // Only a schema request needs to know its schema exists even when it holds no table.
  if (ref.type === 'schema') branches.push({ kind: 'SCHEMA', columns: ['SCHEMA_NAME', 'NULL', 'NULL', 'NULL'], from: `${info}.SCHEMATA WHERE SCHEMA_NAME = ?`, binds: [schema!] });
  // A database alone: its schemas follow as children (connector.children), one container at a time.
  if (ref.type !== 'database') {
    branches.push(
      { kind: 'OBJECT', columns: ['TABLE_SCHEMA', 'TABLE_NAME', 'TABLE_TYPE', 'NULL'], from: `${info}.TABLES${where('TABLE_SCHEMA', 'TABLE_NAME')}`, binds: scopeBinds },
      { kind: 'TABLE_GRANT', columns: ['TABLE_SCHEMA', 'TABLE_NAME', 'GRANTEE', 'PRIVILEGE_TYPE'], from: `${info}.TABLE_PRIVILEGES${where('TABLE_SCHEMA', 'TABLE_NAME')}`, binds: scopeBinds },
    );
  }
  branches.push({ kind: 'OBJECT_GRANT', columns: ['OBJECT_TYPE', 'OBJECT_NAME', 'GRANTEE', 'PRIVILEGE_TYPE'], from: `${info}.OBJECT_PRIVILEGES`, binds: [] });
  if (ref.type === 'column') {
    branches.push({ kind: 'COLUMN', columns: ['TABLE_SCHEMA', 'TABLE_NAME', 'COLUMN_NAME', 'DATA_TYPE'], from: `${info}.COLUMNS${where('TABLE_SCHEMA', 'TABLE_NAME')}`, binds: scopeBinds });
  }
  return { ...union(branches), database, ...(schema !== undefined ? { schema } : {}), ...(table !== undefined ? { table } : {}) };
}
