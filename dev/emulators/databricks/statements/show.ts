import { type ResultSet, stringColumns } from '../results.js';
import type { Statement } from '../sql/ast.js';
import { qualifySchema, qualifyTable, type StatementContext, showPattern } from './context.js';

type Show<K extends Statement['kind']> = Extract<Statement, { kind: K }>;

export function showCatalogs({ metastore }: StatementContext, s: Show<'show-catalogs'>): ResultSet {
  const matches = showPattern(s.like);
  return {
    columns: stringColumns('catalog'),
    rows: [...metastore.catalogs.keys()]
      .filter(matches)
      .sort()
      .map((name) => [name]),
  };
}

export function showSchemas({ metastore, session }: StatementContext, s: Show<'show-schemas'>): ResultSet {
  const matches = showPattern(s.like);
  const catalog = metastore.catalog(s.catalog ?? session.catalog);
  return {
    columns: stringColumns('databaseName'),
    rows: [...catalog.schemas.keys(), 'information_schema']
      .filter(matches)
      .sort()
      .map((name) => [name]),
  };
}

/** SHOW TABLES lists views too, as Databricks does. */
export function showTables({ metastore, session }: StatementContext, s: Show<'show-tables'>): ResultSet {
  const path = qualifySchema(s.schema ?? [session.schema], session);
  const schema = metastore.schema(path);
  const matches = showPattern(s.like);
  return {
    columns: [...stringColumns('database', 'tableName'), { name: 'isTemporary', type: 'BOOLEAN' }],
    rows: [...schema.tables.keys()]
      .filter(matches)
      .sort()
      .map((name) => [schema.name, name, false]),
  };
}

export function showViews({ metastore, session }: StatementContext, s: Show<'show-views'>): ResultSet {
  const schema = metastore.schema(qualifySchema(s.schema ?? [session.schema], session));
  const matches = showPattern(s.like);
  return {
    columns: [
      ...stringColumns('namespace', 'viewName'),
      { name: 'isTemporary', type: 'BOOLEAN' },
      { name: 'isMaterialized', type: 'BOOLEAN' },
    ],
    rows: [...schema.tables.values()]
      .filter((t) => t.kind === 'VIEW' && matches(t.name))
      .map((t) => t.name)
      .sort()
      .map((name) => [schema.name, name, false, false]),
  };
}

export function showFunctions({ metastore, session }: StatementContext, s: Show<'show-functions'>): ResultSet {
  const path = qualifySchema(s.schema ?? [session.schema], session);
  const schema = metastore.schema(path);
  const matches = showPattern(s.like);
  return {
    columns: stringColumns('function'),
    rows: [...schema.functions.keys()]
      .filter(matches)
      .sort()
      .map((name) => [[...path, name].join('.').toLowerCase()]),
  };
}

export function showVolumes({ metastore, session }: StatementContext, s: Show<'show-volumes'>): ResultSet {
  const schema = metastore.schema(qualifySchema(s.schema ?? [session.schema], session));
  const matches = showPattern(s.like);
  return {
    columns: stringColumns('database_name', 'volume_name'),
    rows: [...schema.volumes.keys()]
      .filter(matches)
      .sort()
      .map((name) => [schema.name, name]),
  };
}

export function showColumns({ metastore, session }: StatementContext, s: Show<'show-columns'>): ResultSet {
  const name = s.schema
    ? [...qualifySchema(s.schema, session), s.table[s.table.length - 1]!]
    : qualifyTable(s.table, session);
  return { columns: stringColumns('col_name'), rows: metastore.table(name).columns.map((c) => [c.name]) };
}

/** Column rows, then with EXTENDED the "# Detailed Table Information" block that carries the owner. */
export function describeTable({ metastore, session }: StatementContext, s: Show<'describe-table'>): ResultSet {
  const path = qualifyTable(s.table, session).map((p) => p.toLowerCase());
  const table = metastore.table(path);
  const rows: (string | null)[][] = table.columns.map((c) => [c.name, c.type, null]);
  if (s.extended) {
    rows.push(
      ['', '', ''],
      ['# Detailed Table Information', '', ''],
      ['Catalog', path[0]!, ''],
      ['Database', path[1]!, ''],
      ['Table', table.name, ''],
      ['Owner', table.owner, ''],
      ['Type', table.kind === 'VIEW' ? 'VIEW' : 'MANAGED', ''],
    );
  }
  return { columns: stringColumns('col_name', 'data_type', 'comment'), rows };
}

export function describeCatalog({ metastore }: StatementContext, s: Show<'describe-catalog'>): ResultSet {
  const catalog = metastore.catalog(s.name[0]!);
  return {
    columns: stringColumns('info_name', 'info_value'),
    rows: [
      ['Catalog Name', catalog.name],
      ['Comment', ''],
      ['Owner', catalog.owner],
      ['Catalog Type', 'Regular'],
    ],
  };
}

export function describeSchema({ metastore, session }: StatementContext, s: Show<'describe-schema'>): ResultSet {
  const path = qualifySchema(s.name, session);
  const schema = metastore.schema(path);
  return {
    columns: stringColumns('database_description_item', 'database_description_value'),
    rows: [
      ['Catalog Name', path[0]!.toLowerCase()],
      ['Namespace Name', schema.name],
      ['Comment', ''],
      ['Owner', schema.owner],
    ],
  };
}

/**
 * SHOW USERS / SHOW GROUPS: one `name` column (docs.databricks.com/en/sql/language-manual/security-show-users.html,
 * security-show-groups.html). Service principals are in neither listing.
 */
export function showPrincipals({ metastore }: StatementContext, s: Show<'show-users' | 'show-groups'>): ResultSet {
  const matches = showPattern(s.like);
  const kind = s.kind === 'show-users' ? 'user' : 'group';
  return {
    columns: stringColumns('name'),
    rows: [...metastore.principals.values()]
      .filter((p) => p.kind === kind && matches(p.name))
      .map((p) => p.name)
      .sort()
      .map((name) => [name]),
  };
}
