import { Access } from '../access.js';
import { type ResultSet, stringColumns } from '../results.js';
import type { Statement } from '../sql/ast.js';
import { qualifySchema, qualifyTable, type StatementContext, showPattern } from './context.js';

type Show<K extends Statement['kind']> = Extract<Statement, { kind: K }>;

/**
 * SHOW lists what the session's user may see, like the information schema (access.ts): the names of objects it
 * has no privilege on stay hidden. Functions and volumes are judged like tables.
 */
function sees({ metastore, session }: StatementContext): {
  catalog: (c: string) => boolean;
  schema: (path: readonly string[]) => boolean;
  object: (path: readonly string[], kind?: 'TABLE' | 'VIEW' | 'FUNCTION' | 'VOLUME') => boolean;
} {
  const access = new Access(metastore, session.user);
  return {
    catalog: (c) => access.canSee({ type: 'CATALOG', objectType: 'CATALOG', path: [c] }),
    schema: (path) => access.canSee({ type: 'SCHEMA', objectType: 'SCHEMA', path: [...path] }),
    object: (path, kind = 'TABLE') =>
      access.canSee({ type: kind, objectType: kind === 'VIEW' ? 'TABLE' : kind, path: [...path] }),
  };
}
const folded = (path: readonly string[]) => path.map((p) => p.toLowerCase());

export function showCatalogs(ctx: StatementContext, s: Show<'show-catalogs'>): ResultSet {
  const { metastore } = ctx;
  const visible = sees(ctx);
  const matches = (name: string) => showPattern(s.like)(name) && visible.catalog(name);
  return {
    columns: stringColumns('catalog'),
    rows: [...metastore.catalogs.keys()]
      .filter(matches)
      .sort()
      .map((name) => [name]),
  };
}

export function showSchemas(ctx: StatementContext, s: Show<'show-schemas'>): ResultSet {
  const { metastore, session } = ctx;
  const visible = sees(ctx);
  const matches = showPattern(s.like);
  const catalog = metastore.catalog(s.catalog ?? session.catalog);
  return {
    columns: stringColumns('databaseName'),
    rows: [...[...catalog.schemas.keys()].filter((name) => visible.schema([catalog.name, name])), 'information_schema']
      .filter(matches)
      .sort()
      .map((name) => [name]),
  };
}

/** SHOW TABLES lists views too, as Databricks does. */
export function showTables(ctx: StatementContext, s: Show<'show-tables'>): ResultSet {
  const { metastore, session } = ctx;
  const path = folded(qualifySchema(s.schema ?? [session.schema], session));
  const schema = metastore.schema(path);
  const visible = sees(ctx);
  const matches = (name: string) =>
    showPattern(s.like)(name) && visible.object([...path, name], schema.tables.get(name)!.kind);
  return {
    columns: [...stringColumns('database', 'tableName'), { name: 'isTemporary', type: 'BOOLEAN' }],
    rows: [...schema.tables.keys()]
      .filter(matches)
      .sort()
      .map((name) => [schema.name, name, false]),
  };
}

export function showViews(ctx: StatementContext, s: Show<'show-views'>): ResultSet {
  const { metastore, session } = ctx;
  const path = folded(qualifySchema(s.schema ?? [session.schema], session));
  const schema = metastore.schema(path);
  const visible = sees(ctx);
  const matches = (name: string) => showPattern(s.like)(name) && visible.object([...path, name], 'VIEW');
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

export function showFunctions(ctx: StatementContext, s: Show<'show-functions'>): ResultSet {
  const { metastore, session } = ctx;
  const path = qualifySchema(s.schema ?? [session.schema], session);
  const schema = metastore.schema(path);
  const visible = sees(ctx);
  const matches = (name: string) => showPattern(s.like)(name) && visible.object([...folded(path), name], 'FUNCTION');
  return {
    columns: stringColumns('function'),
    rows: [...schema.functions.keys()]
      .filter(matches)
      .sort()
      .map((name) => [[...path, name].join('.').toLowerCase()]),
  };
}

export function showVolumes(ctx: StatementContext, s: Show<'show-volumes'>): ResultSet {
  const { metastore, session } = ctx;
  const path = folded(qualifySchema(s.schema ?? [session.schema], session));
  const schema = metastore.schema(path);
  const visible = sees(ctx);
  const matches = (name: string) => showPattern(s.like)(name) && visible.object([...path, name], 'VOLUME');
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
