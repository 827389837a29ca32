import { tableNotFound, unresolvedColumn } from '../errors.js';
import type { CatalogEntry, EffectiveGrant, Metastore, ResolvedSecurable } from '../metastore.js';
import { appliesTo } from '../privileges.js';
import { type Cell, type ResultColumn, type ResultSet, stringColumns } from '../results.js';
import type { Condition, Statement } from '../sql/ast.js';
import { qualifyTable, type StatementContext, sqlLike } from './context.js';
import { MASKING_VIEWS, routineDetails, visibleRows } from './masking.js';

type View = (metastore: Metastore, catalogs: CatalogEntry[]) => ResultSet;

/** Privilege rows for one object: direct ones (`NONE`) and those inherited that apply to its kind. */
function privilegeRows(metastore: Metastore, on: ResolvedSecurable): EffectiveGrant[] {
  return metastore.effectiveGrants(on).filter((g) => g.inheritedFrom === 'NONE' || appliesTo(g.privilege, on.type));
}

const grantCells = (g: EffectiveGrant): Cell[] => [g.grantor, g.principal];
const tail = (g: EffectiveGrant): Cell[] => [g.privilege, 'NO', g.inheritedFrom];

const schemasOf = (c: CatalogEntry) => [...c.schemas.values()];
const tablesOf = (c: CatalogEntry) => schemasOf(c).flatMap((s) => [...s.tables.values()].map((t) => ({ s, t })));

// Column sets of Databricks' system.information_schema views (the subset a grant sync reads).
const VIEWS: Record<string, View> = {
  catalog_privileges: (m, catalogs) => ({
    columns: stringColumns('grantor', 'grantee', 'catalog_name', 'privilege_type', 'is_grantable', 'inherited_from'),
    rows: catalogs.flatMap((c) =>
      privilegeRows(m, { type: 'CATALOG', objectType: 'CATALOG', path: [c.name] }).map((g) => [
        ...grantCells(g),
        c.name,
        ...tail(g),
      ]),
    ),
  }),
  schema_privileges: (m, catalogs) => ({
    columns: stringColumns(
      'grantor',
      'grantee',
      'catalog_name',
      'schema_name',
      'privilege_type',
      'is_grantable',
      'inherited_from',
    ),
    rows: catalogs.flatMap((c) =>
      schemasOf(c).flatMap((s) =>
        privilegeRows(m, { type: 'SCHEMA', objectType: 'SCHEMA', path: [c.name, s.name] }).map((g) => [
          ...grantCells(g),
          c.name,
          s.name,
          ...tail(g),
        ]),
      ),
    ),
  }),
  table_privileges: (m, catalogs) => ({
    columns: stringColumns(
      'grantor',
      'grantee',
      'table_catalog',
      'table_schema',
      'table_name',
      'privilege_type',
      'is_grantable',
      'inherited_from',
    ),
    rows: catalogs.flatMap((c) =>
      tablesOf(c).flatMap(({ s, t }) =>
        privilegeRows(m, { type: t.kind, objectType: 'TABLE', path: [c.name, s.name, t.name] }).map((g) => [
          ...grantCells(g),
          c.name,
          s.name,
          t.name,
          ...tail(g),
        ]),
      ),
    ),
  }),
  catalogs: (_m, catalogs) => ({
    columns: stringColumns('catalog_name', 'catalog_owner', 'comment'),
    rows: catalogs.map((c) => [c.name, c.owner, null]),
  }),
  schemata: (_m, catalogs) => ({
    columns: stringColumns('catalog_name', 'schema_name', 'schema_owner', 'comment'),
    rows: catalogs.flatMap((c) => schemasOf(c).map((s) => [c.name, s.name, s.owner, null])),
  }),
  tables: (_m, catalogs) => ({
    columns: stringColumns(
      'table_catalog',
      'table_schema',
      'table_name',
      'table_type',
      'is_insertable_into',
      'table_owner',
      'comment',
      'data_source_format',
    ),
    rows: catalogs.flatMap((c) =>
      tablesOf(c).map(({ s, t }) => [
        c.name,
        s.name,
        t.name,
        t.kind === 'VIEW' ? 'VIEW' : 'MANAGED',
        t.kind === 'VIEW' ? 'NO' : 'YES',
        t.owner,
        null,
        t.kind === 'VIEW' ? null : 'DELTA',
      ]),
    ),
  }),
  views: (_m, catalogs) => ({
    columns: stringColumns(
      'table_catalog',
      'table_schema',
      'table_name',
      'view_definition',
      'is_updatable',
      'is_insertable_into',
    ),
    rows: catalogs.flatMap((c) =>
      tablesOf(c)
        .filter(({ t }) => t.kind === 'VIEW')
        .map(({ s, t }) => [c.name, s.name, t.name, null, 'NO', 'NO']),
    ),
  }),
  columns: (_m, catalogs) => ({
    // ordinal_position counts from 0 in Databricks.
    columns: [
      ...stringColumns('table_catalog', 'table_schema', 'table_name', 'column_name'),
      { name: 'ordinal_position', type: 'INT' },
      ...stringColumns('is_nullable', 'full_data_type', 'data_type', 'comment'),
    ],
    rows: catalogs.flatMap((c) =>
      tablesOf(c).flatMap(({ s, t }) =>
        t.columns.map((col, i) => [
          c.name,
          s.name,
          t.name,
          col.name,
          i,
          'YES',
          col.type.toLowerCase(),
          col.type.replace(/[<(].*$/, '').toUpperCase(),
          null,
        ]),
      ),
    ),
  }),
  volumes: (_m, catalogs) => ({
    columns: stringColumns('volume_catalog', 'volume_schema', 'volume_name', 'volume_type', 'volume_owner', 'comment'),
    rows: catalogs.flatMap((c) =>
      schemasOf(c).flatMap((s) =>
        [...s.volumes.values()].map((v) => [c.name, s.name, v.name, 'MANAGED', v.owner, null]),
      ),
    ),
  }),
  routines: (_m, catalogs) => ({
    columns: stringColumns(
      'specific_catalog',
      'specific_schema',
      'specific_name',
      'routine_catalog',
      'routine_schema',
      'routine_name',
      'routine_type',
      'routine_owner',
      'data_type',
      'routine_definition',
      'comment',
    ),
    rows: catalogs.flatMap((c) =>
      schemasOf(c).flatMap((s) =>
        [...s.functions.values()].map((f) => {
          const d = routineDetails(_m, [c.name, s.name, f.name]);
          return [
            c.name,
            s.name,
            f.name,
            c.name,
            s.name,
            f.name,
            'FUNCTION',
            f.owner,
            d.dataType,
            d.definition,
            d.comment,
          ];
        }),
      ),
    ),
  }),
  column_masks: (m, catalogs) =>
    MASKING_VIEWS.column_masks!(
      m,
      catalogs.map((c) => c.name),
    ),
  row_filters: (m, catalogs) =>
    MASKING_VIEWS.row_filters!(
      m,
      catalogs.map((c) => c.name),
    ),
};

function matcher(condition: Condition): (cell: Cell) => boolean {
  const values = condition.values.map(String);
  switch (condition.op) {
    case '=':
      return (cell) => cell !== null && String(cell) === values[0];
    case '<>':
      return (cell) => cell !== null && String(cell) !== values[0];
    case 'in':
      return (cell) => cell !== null && values.includes(String(cell));
    case 'not in':
      return (cell) => cell !== null && !values.includes(String(cell));
    case 'is null':
      return (cell) => cell === null;
    case 'is not null':
      return (cell) => cell !== null;
    case 'like': {
      const like = sqlLike(values[0]!);
      return (cell) => cell !== null && like(String(cell));
    }
  }
}

/** WHERE (ANDed simple predicates), projection, ORDER BY and LIMIT over a materialized relation. */
function query(relation: ResultSet, s: Extract<Statement, { kind: 'select-from' }>, relationName: string): ResultSet {
  const index = (column: string) => {
    const i = relation.columns.findIndex((c) => c.name.toLowerCase() === column.toLowerCase());
    if (i < 0) throw unresolvedColumn(column, relationName);
    return i;
  };
  let rows = relation.rows;
  for (const condition of s.where) {
    const i = index(condition.column);
    const test = matcher(condition);
    rows = rows.filter((row) => test(row[i] ?? null));
  }
  if (s.orderBy.length > 0) {
    const keys = s.orderBy.map((o) => ({ i: index(o.column), sign: o.desc ? -1 : 1 }));
    rows = [...rows].sort((a, b) => {
      for (const { i, sign } of keys) {
        const x = a[i] ?? null,
          y = b[i] ?? null;
        if (x === y) continue;
        if (x === null) return sign; // NULLs sort first ascending in Databricks
        if (y === null) return -sign;
        return (x < y ? -1 : 1) * sign;
      }
      return 0;
    });
  }
  if (s.limit !== undefined) rows = rows.slice(0, s.limit);
  if (s.columns === '*') return { columns: relation.columns, rows };
  const picks = s.columns.map((c) => ({ i: index(c.name), name: c.alias ?? relation.columns[index(c.name)]!.name }));
  return {
    columns: picks.map<ResultColumn>(({ i, name }) => ({ name, type: relation.columns[i]!.type })),
    rows: rows.map((row) => picks.map(({ i }) => row[i] ?? null)),
  };
}

/**
 * SELECT over `system.information_schema.<view>` (every catalog), `<catalog>.information_schema.<view>`
 * (that catalog) or `information_schema.<view>` (the current catalog). A user table answers its columns and
 * no rows: the emulator holds no data.
 */
export function selectFrom(ctx: StatementContext, s: Extract<Statement, { kind: 'select-from' }>): ResultSet {
  const from = s.from.map((p) => p.toLowerCase());
  const isInfo =
    (from.length === 3 && from[1] === 'information_schema') || (from.length === 2 && from[0] === 'information_schema');
  if (!isInfo) {
    const path = qualifyTable(s.from, ctx.session);
    const table = ctx.metastore.table(path);
    // Seeded rows, through the table's row filter and column masks for the session's user.
    const rows = visibleRows(ctx.metastore, ctx.session, path, table).map((r) =>
      table.columns.map((c) => {
        const v = r[c.name] ?? null;
        return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
      }),
    );
    const relation: ResultSet = { columns: table.columns.map((c) => ({ name: c.name, type: 'STRING' })), rows };
    return query(relation, s, path.join('.'));
  }
  const catalogName = from.length === 3 ? from[0]! : ctx.session.catalog.toLowerCase();
  const viewName = from[from.length - 1]!;
  const view = VIEWS[viewName];
  if (!view) throw tableNotFound([catalogName, 'information_schema', viewName]);
  const catalogs =
    catalogName === 'system' ? [...ctx.metastore.catalogs.values()] : [ctx.metastore.catalog(catalogName)];
  return query(view(ctx.metastore, catalogs), s, `${catalogName}.information_schema.${viewName}`);
}
