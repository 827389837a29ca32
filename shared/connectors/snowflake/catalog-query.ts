import type { ResourceRef } from '../../task/request.js';
import type { SchemaPart } from '../table-range.js';
import { informationSchema, storedName } from './dialect.js';
import { maskingStateBranches } from './masking-state.js';
import { type Branch, unionQuery } from './union-query.js';

/**
 * One statement that reads a resource's objects and every direct grant on them and on their parents from
 * `<db>.INFORMATION_SCHEMA` (real time, unlike ACCOUNT_USAGE): branches joined by UNION ALL, each row tagged
 * with its KIND, so a sync already in place costs one round trip. Names are bindings, never SQL text.
 */
export interface CatalogQuery {
  sql: string;
  binds: string[];
  database: string;
  schema?: string;
  table?: string;
  /** A schema read's part (a slice of its tables, or its own part alone). */
  part?: SchemaPart;
}

/** `withMaskingState`: a table, view or column read (one with `table`) also brings what the masking sync needs of the table. */
export function catalogQuery(ref: ResourceRef, withMaskingState = false, schemaPart?: SchemaPart): CatalogQuery {
  const part = ref.type === 'schema' ? schemaPart : undefined;
  const database = storedName(ref.values.database ?? '');
  const info = informationSchema(database);
  const schema = ref.type === 'database' ? undefined : storedName(ref.values.schema ?? '');
  const table = ref.type === 'database' || ref.type === 'schema' ? undefined : storedName(ref.values.table ?? '');
  // A slice's bounds are bindings like every name; the warehouse compares them in its own order (table-range.ts).
  const range = part !== undefined && part !== 'own' ? part.tables : undefined;
  const where = (schemaCol: string, tableCol: string) =>
    table !== undefined
      ? ` WHERE ${schemaCol} = ? AND ${tableCol} = ?`
      : schema !== undefined
        ? ` WHERE ${schemaCol} = ?${range?.from !== undefined ? ` AND ${tableCol} >= ?` : ''}${range?.below !== undefined ? ` AND ${tableCol} < ?` : ''}`
        : '';
  const scopeBinds = [schema, table, range?.from, range?.below].filter((x): x is string => x !== undefined);

  const branches: Branch[] = [];
  // Only a schema request needs to know its schema exists even when it holds no table.
  if (ref.type === 'schema')
    branches.push({
      kind: 'SCHEMA',
      columns: ['SCHEMA_NAME'],
      from: `${info}.SCHEMATA WHERE SCHEMA_NAME = ?`,
      binds: [schema!],
    });
  // A database alone: its schemas follow as children (connector.children), one container at a time. A schema's own
  // part leaves its tables to its slices.
  if (ref.type !== 'database' && part !== 'own') {
    branches.push(
      {
        kind: 'OBJECT',
        columns: ['TABLE_SCHEMA', 'TABLE_NAME', 'TABLE_TYPE'],
        from: `${info}.TABLES${where('TABLE_SCHEMA', 'TABLE_NAME')}`,
        binds: scopeBinds,
      },
      {
        kind: 'TABLE_GRANT',
        columns: ['TABLE_SCHEMA', 'TABLE_NAME', 'GRANTEE', 'PRIVILEGE_TYPE'],
        from: `${info}.TABLE_PRIVILEGES${where('TABLE_SCHEMA', 'TABLE_NAME')}`,
        binds: scopeBinds,
      },
    );
  }
  // The database's own grants and, below it, only the one schema's: never every schema's grants in the database
  // (a full sync reads each schema in turn, so reading them all each time would grow with the square of the schemas).
  // OBJECT_PRIVILEGES is documented as covering "all objects defined in your account", so every row is pinned to
  // this database by name: a schema of the same name in another database is not this one.
  branches.push({
    kind: 'OBJECT_GRANT',
    columns: ['OBJECT_TYPE', 'OBJECT_CATALOG', 'OBJECT_NAME', 'GRANTEE', 'PRIVILEGE_TYPE'],
    from: `${info}.OBJECT_PRIVILEGES WHERE (OBJECT_TYPE = 'DATABASE' AND OBJECT_NAME = ?)${schema !== undefined ? " OR (OBJECT_TYPE = 'SCHEMA' AND OBJECT_CATALOG = ? AND OBJECT_NAME = ?)" : ''}`,
    binds: schema !== undefined ? [database, database, schema] : [database],
  });
  // The masking branches list the table's columns as well.
  if (withMaskingState && table !== undefined) branches.push(...maskingStateBranches([database, schema!, table]));
  else if (ref.type === 'column') {
    branches.push({
      kind: 'COLUMN',
      columns: ['TABLE_SCHEMA', 'TABLE_NAME', 'COLUMN_NAME'],
      from: `${info}.COLUMNS${where('TABLE_SCHEMA', 'TABLE_NAME')}`,
      binds: scopeBinds,
    });
  }
  return {
    ...unionQuery(branches),
    database,
    ...(schema !== undefined ? { schema } : {}),
    ...(table !== undefined ? { table } : {}),
    ...(part !== undefined ? { part } : {}),
  };
}
