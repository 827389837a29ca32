import { Access } from '../access.js';
import { tableNotFound, unresolvedColumn } from '../errors.js';
import type {
  CatalogEntry,
  EffectiveGrant,
  Metastore,
  ResolvedSecurable,
  SchemaEntry,
  TableEntry,
} from '../metastore.js';
import { appliesTo } from '../privileges.js';
import { type Cell, type ResultColumn, type ResultSet, stringColumns } from '../results.js';
import type { Condition, Statement } from '../sql/ast.js';
import { qualifyTable, type StatementContext, sqlLike } from './context.js';
import { MASKING_VIEWS, routineDetails, visibleRows } from './masking.js';

/** The catalogs a view covers and what the session's user may see of them (see access.ts). */
interface Scope {
  metastore: Metastore;
  catalogs: CatalogEntry[];
  access: Access;
}
type View = (scope: Scope) => ResultSet;

const catalogOn = (c: CatalogEntry): ResolvedSecurable => ({ type: 'CATALOG', objectType: 'CATALOG', path: [c.name] });
const schemaOn = (c: CatalogEntry, s: SchemaEntry): ResolvedSecurable => ({
  type: 'SCHEMA',
  objectType: 'SCHEMA',
  path: [c.name, s.name],
});
const tableOn = (c: CatalogEntry, s: SchemaEntry, t: TableEntry): ResolvedSecurable => ({
  type: t.kind,
  objectType: 'TABLE',
  path: [c.name, s.name, t.name],
});

/** Privilege rows for one object the user sees: direct ones (`NONE`) and inherited ones that apply to its kind. */
function privilegeRows({ metastore, access }: Scope, on: ResolvedSecurable): EffectiveGrant[] {
  return access.visibleGrants(
    on,
    metastore.effectiveGrants(on).filter((g) => g.inheritedFrom === 'NONE' || appliesTo(g.privilege, on.type)),
  );
}

const grantCells = (g: EffectiveGrant): Cell[] => [g.grantor, g.principal];
const tail = (g: EffectiveGrant): Cell[] => [g.privilege, 'NO', g.inheritedFrom];

const visibleCatalogs = ({ catalogs, access }: Scope) => catalogs.filter((c) => access.canSee(catalogOn(c)));
const schemasOf = ({ access }: Scope, c: CatalogEntry) =>
  [...c.schemas.values()].filter((s) => access.canSee(schemaOn(c, s)));
const tablesOf = (scope: Scope, c: CatalogEntry) =>
  [...c.schemas.values()].flatMap((s) =>
    [...s.tables.values()].filter((t) => scope.access.canSee(tableOn(c, s, t))).map((t) => ({ s, t })),
  );
/** Functions and volumes are seen like tables: by ownership, privileges (also inherited from above), or BROWSE. */
const leavesOf = (scope: Scope, c: CatalogEntry, type: 'FUNCTION' | 'VOLUME') =>
  [...c.schemas.values()].flatMap((s) =>
    [...(type === 'VOLUME' ? s.volumes : s.functions).values()]
      .filter((l) => scope.access.canSee({ type, objectType: type, path: [c.name, s.name, l.name] }))
      .map((l) => ({ s, l })),
  );

// Column sets of Databricks' system.information_schema views (the subset a grant sync reads).
const VIEWS: Record<string, View> = {
  catalog_privileges: (scope) => ({
    columns: stringColumns('grantor', 'grantee', 'catalog_name', 'privilege_type', 'is_grantable', 'inherited_from'),
    rows: scope.catalogs.flatMap((c) =>
      privilegeRows(scope, catalogOn(c)).map((g) => [...grantCells(g), c.name, ...tail(g)]),
    ),
  }),
  schema_privileges: (scope) => ({
    columns: stringColumns(
      'grantor',
      'grantee',
      'catalog_name',
      'schema_name',
      'privilege_type',
      'is_grantable',
      'inherited_from',
    ),
    rows: scope.catalogs.flatMap((c) =>
      [...c.schemas.values()].flatMap((s) =>
        privilegeRows(scope, schemaOn(c, s)).map((g) => [...grantCells(g), c.name, s.name, ...tail(g)]),
      ),
    ),
  }),
  table_privileges: (scope) => ({
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
    rows: scope.catalogs.flatMap((c) =>
      [...c.schemas.values()].flatMap((s) =>
        [...s.tables.values()].flatMap((t) =>
          privilegeRows(scope, tableOn(c, s, t)).map((g) => [...grantCells(g), c.name, s.name, t.name, ...tail(g)]),
        ),
      ),
    ),
  }),
  catalogs: (scope) => ({
    columns: stringColumns('catalog_name', 'catalog_owner', 'comment'),
    rows: visibleCatalogs(scope).map((c) => [c.name, c.owner, null]),
  }),
  schemata: (scope) => ({
    columns: stringColumns('catalog_name', 'schema_name', 'schema_owner', 'comment'),
    rows: scope.catalogs.flatMap((c) => schemasOf(scope, c).map((s) => [c.name, s.name, s.owner, null])),
  }),
  tables: (scope) => ({
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
    rows: scope.catalogs.flatMap((c) =>
      tablesOf(scope, c).map(({ s, t }) => [
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
  views: (scope) => ({
    columns: stringColumns(
      'table_catalog',
      'table_schema',
      'table_name',
      'view_definition',
      'is_updatable',
      'is_insertable_into',
    ),
    rows: scope.catalogs.flatMap((c) =>
      tablesOf(scope, c)
        .filter(({ t }) => t.kind === 'VIEW')
        .map(({ s, t }) => [c.name, s.name, t.name, null, 'NO', 'NO']),
    ),
  }),
  columns: (scope) => ({
    // ordinal_position counts from 0 in Databricks.
    columns: [
      ...stringColumns('table_catalog', 'table_schema', 'table_name', 'column_name'),
      { name: 'ordinal_position', type: 'INT' },
      ...stringColumns('is_nullable', 'full_data_type', 'data_type', 'comment'),
    ],
    rows: scope.catalogs.flatMap((c) =>
      tablesOf(scope, c).flatMap(({ s, t }) =>
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
  volumes: (scope) => ({
    columns: stringColumns('volume_catalog', 'volume_schema', 'volume_name', 'volume_type', 'volume_owner', 'comment'),
    rows: scope.catalogs.flatMap((c) =>
      leavesOf(scope, c, 'VOLUME').map(({ s, l }) => [c.name, s.name, l.name, 'MANAGED', l.owner, null]),
    ),
  }),
  routines: (scope) => ({
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
    rows: scope.catalogs.flatMap((c) =>
      leavesOf(scope, c, 'FUNCTION').map(({ s, l: f }) => {
        const d = routineDetails(scope.metastore, [c.name, s.name, f.name]);
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
  }),
  column_masks: (scope) => onVisibleTables(scope, MASKING_VIEWS.column_masks!),
  row_filters: (scope) => onVisibleTables(scope, MASKING_VIEWS.row_filters!),
};

/** A masking view's rows (they start with catalog, schema and table) for the tables the user sees. */
function onVisibleTables(scope: Scope, view: (m: Metastore, catalogs: string[]) => ResultSet): ResultSet {
  const all = view(
    scope.metastore,
    scope.catalogs.map((c) => c.name),
  );
  const sees = (row: Cell[]) => {
    const [c, s, t] = row.map(String) as [string, string, string];
    const catalog = scope.metastore.catalogs.get(c);
    const schema = catalog?.schemas.get(s);
    const table = schema?.tables.get(t);
    return Boolean(catalog && schema && table && scope.access.canSee(tableOn(catalog, schema, table)));
  };
  return { columns: all.columns, rows: all.rows.filter(sees) };
}

/**
 * Strings in Unity Catalog's default collation, UTF8_BINARY: by their UTF-8 bytes, which is code point order (not
 * JavaScript's UTF-16 order). ORDER BY and comparisons agree, as a slice's bounds need.
 */
const compareText = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function matcher(condition: Condition): (cell: Cell) => boolean {
  const values = condition.values.map(String);
  const ordered = (test: (c: number) => boolean) => (cell: Cell) =>
    cell !== null && test(compareText(String(cell), values[0]!));
  switch (condition.op) {
    case '<':
      return ordered((c) => c < 0);
    case '<=':
      return ordered((c) => c <= 0);
    case '>':
      return ordered((c) => c > 0);
    case '>=':
      return ordered((c) => c >= 0);
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
  // Aggregated: one row per group (one for the whole relation without GROUP BY, even an empty one), its size last.
  const counts = s.columns !== '*' && s.columns.some((c) => c.count);
  const size = relation.columns.length;
  if (s.groupBy || counts) {
    const by = (s.groupBy ?? []).map(index);
    const groups = new Map<string, Cell[]>();
    for (const row of rows) {
      const key = JSON.stringify(by.map((i) => row[i] ?? null));
      const first = groups.get(key);
      if (first) first[size] = Number(first[size]) + 1;
      else groups.set(key, [...row, 1]);
    }
    rows = s.groupBy || groups.size > 0 ? [...groups.values()] : [[...relation.columns.map(() => null), 0]];
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
        if (typeof x === 'string' && typeof y === 'string') return compareText(x, y) * sign;
        return (x < y ? -1 : 1) * sign;
      }
      return 0;
    });
  }
  if (s.limit !== undefined) rows = rows.slice(0, s.limit);
  if (s.columns === '*') return { columns: relation.columns, rows };
  const picks = s.columns.map((c) =>
    c.count
      ? { i: size, name: c.alias ?? c.name, type: 'BIGINT' as const }
      : {
          i: index(c.name),
          name: c.alias ?? relation.columns[index(c.name)]!.name,
          type: relation.columns[index(c.name)]!.type,
        },
  );
  return {
    columns: picks.map<ResultColumn>(({ name, type }) => ({ name, type })),
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
  const scope: Scope = { metastore: ctx.metastore, catalogs, access: new Access(ctx.metastore, ctx.session.user) };
  return query(view(scope), s, `${catalogName}.information_schema.${viewName}`);
}
