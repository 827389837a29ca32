import type { Metastore } from './metastore.js';
import { type ResultSet, stringColumns } from './results.js';

/** The Thrift metadata calls (GetCatalogs, GetSchemas, GetTables, GetColumns) with their JDBC column sets. */
interface Filter {
  catalogName?: string;
  schemaName?: string;
  tableName?: string;
  columnName?: string;
  tableTypes?: string[];
}

/** JDBC patterns: `%` any run, `_` one character; empty or absent matches everything. */
function jdbcPattern(pattern: string | undefined): (name: string) => boolean {
  if (!pattern || pattern === '%' || pattern === '*') return () => true;
  let source = '';
  for (const ch of pattern) source += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${source}$`, 'i');
  return (name) => re.test(name);
}

const catalogsOf = (m: Metastore, f: Filter) =>
  f.catalogName ? [m.catalog(f.catalogName).name] : [...m.catalogs.keys()];
const tablesOf = (m: Metastore, f: Filter) => {
  const schemaMatches = jdbcPattern(f.schemaName),
    tableMatches = jdbcPattern(f.tableName);
  return catalogsOf(m, f).flatMap((c) =>
    [...m.catalog(c).schemas.values()]
      .filter((s) => schemaMatches(s.name))
      .flatMap((s) => [...s.tables.values()].filter((t) => tableMatches(t.name)).map((t) => ({ c, s, t }))),
  );
};

export const jdbcCatalogs = (m: Metastore): ResultSet => ({
  columns: stringColumns('TABLE_CAT'),
  rows: [...m.catalogs.keys()].sort().map((c) => [c]),
});

export function jdbcSchemas(m: Metastore, f: Filter): ResultSet {
  const matches = jdbcPattern(f.schemaName);
  return {
    columns: stringColumns('TABLE_SCHEM', 'TABLE_CATALOG'),
    rows: catalogsOf(m, f).flatMap((c) => [...m.catalog(c).schemas.keys()].filter(matches).map((s) => [s, c])),
  };
}

export const jdbcTables = (m: Metastore, f: Filter): ResultSet => ({
  columns: stringColumns('TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'TABLE_TYPE', 'REMARKS'),
  rows: tablesOf(m, f)
    .filter(({ t }) => !f.tableTypes || f.tableTypes.includes(t.kind))
    .map(({ c, s, t }) => [c, s.name, t.name, t.kind, '']),
});

export function jdbcColumns(m: Metastore, f: Filter): ResultSet {
  const matches = jdbcPattern(f.columnName);
  return {
    columns: [
      ...stringColumns('TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'COLUMN_NAME', 'TYPE_NAME'),
      { name: 'ORDINAL_POSITION', type: 'INT' },
    ],
    rows: tablesOf(m, f).flatMap(({ c, s, t }) =>
      t.columns
        .map((col, i) => ({ col, i }))
        .filter(({ col }) => matches(col.name))
        .map(({ col, i }) => [c, s.name, t.name, col.name, col.type.toUpperCase(), i + 1]),
    ),
  };
}
