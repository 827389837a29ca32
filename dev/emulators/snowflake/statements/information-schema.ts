import type { Account, Database } from '../account.js';
import { type Cell, fixed, type ResultColumn, text, timestamp } from '../result-set.js';
import type { Sight } from '../visibility.js';
import { columnTypeInfo } from './column-type.js';
import { INFORMATION_SCHEMA } from './show.js';

/** A view of `<db>.INFORMATION_SCHEMA`: its columns and its rows by column name. */
export interface Relation {
  columns: ResultColumn[];
  rows: Record<string, Cell>[];
}

/**
 * Names a query's WHERE pins down with `TABLE_SCHEMA = ...` / `TABLE_NAME = ...` (joined by AND): a view may leave
 * out rows for other objects before building them. The WHERE still filters what is built, so nothing it would drop
 * is kept; this only spares building a 100,000-table database's rows to answer for one table.
 */
export interface Pins {
  TABLE_SCHEMA?: string;
  TABLE_NAME?: string;
}

/** `sight`: the session role's, so each view shows only the objects it may see (visibility.ts). */
type ViewBuilder = (account: Account, db: Database, pins: Pins, sight: Sight) => Relation;

const ts = timestamp;

/**
 * The INFORMATION_SCHEMA views a connector needs for bulk, real-time reads of one database (ACCOUNT_USAGE lags
 * up to two hours, PROTOCOLS.md). Each view covers only its own database, as in Snowflake.
 */
export const INFORMATION_SCHEMA_VIEWS: Record<string, ViewBuilder> = {
  TABLES: (account, db, pins, sight) => ({
    columns: [
      text('TABLE_CATALOG'),
      text('TABLE_SCHEMA'),
      text('TABLE_NAME'),
      text('TABLE_OWNER'),
      text('TABLE_TYPE'),
      text('IS_TRANSIENT'),
      text('CLUSTERING_KEY'),
      fixed('ROW_COUNT'),
      fixed('BYTES'),
      fixed('RETENTION_TIME'),
      ts('CREATED'),
      ts('LAST_ALTERED'),
      ts('LAST_DDL'),
      text('LAST_DDL_BY'),
      text('AUTO_CLUSTERING_ON'),
      text('COMMENT'),
      text('IS_TEMPORARY'),
      text('IS_ICEBERG'),
      text('IS_DYNAMIC'),
      text('IS_IMMUTABLE'),
      text('IS_HYBRID'),
    ],
    rows: objects(db, pins, sight).map(({ schema, t }) => {
      const owner = account.owner(t.kind, [db.name, schema, t.name]) || null;
      return {
        TABLE_CATALOG: db.name,
        TABLE_SCHEMA: schema,
        TABLE_NAME: t.name,
        TABLE_OWNER: owner,
        TABLE_TYPE: t.kind === 'TABLE' ? 'BASE TABLE' : 'VIEW',
        IS_TRANSIENT: t.kind === 'TABLE' ? 'NO' : null,
        CLUSTERING_KEY: null,
        ROW_COUNT: t.kind === 'TABLE' ? 0 : null,
        BYTES: t.kind === 'TABLE' ? 0 : null,
        RETENTION_TIME: t.kind === 'TABLE' ? 1 : null,
        CREATED: t.createdOn,
        LAST_ALTERED: t.createdOn,
        LAST_DDL: t.createdOn,
        LAST_DDL_BY: owner,
        AUTO_CLUSTERING_ON: 'NO',
        COMMENT: t.comment,
        IS_TEMPORARY: 'NO',
        IS_ICEBERG: 'NO',
        IS_DYNAMIC: 'NO',
        IS_IMMUTABLE: 'NO',
        IS_HYBRID: 'NO',
      };
    }),
  }),
  VIEWS: (account, db, pins, sight) => ({
    columns: [
      text('TABLE_CATALOG'),
      text('TABLE_SCHEMA'),
      text('TABLE_NAME'),
      text('TABLE_OWNER'),
      text('VIEW_DEFINITION'),
      text('CHECK_OPTION'),
      text('IS_UPDATABLE'),
      text('INSERTABLE_INTO'),
      text('IS_SECURE'),
      ts('CREATED'),
      ts('LAST_ALTERED'),
      ts('LAST_DDL'),
      text('LAST_DDL_BY'),
      text('COMMENT'),
    ],
    rows: objects(db, pins, sight)
      .filter(({ t }) => t.kind === 'VIEW')
      .map(({ schema, t }) => ({
        TABLE_CATALOG: db.name,
        TABLE_SCHEMA: schema,
        TABLE_NAME: t.name,
        TABLE_OWNER: account.owner('VIEW', [db.name, schema, t.name]) || null,
        VIEW_DEFINITION: t.text,
        CHECK_OPTION: 'NONE',
        IS_UPDATABLE: 'NO',
        INSERTABLE_INTO: 'NO',
        IS_SECURE: 'NO',
        CREATED: t.createdOn,
        LAST_ALTERED: t.createdOn,
        LAST_DDL: t.createdOn,
        LAST_DDL_BY: null,
        COMMENT: t.comment,
      })),
  }),
  COLUMNS: (_account, db, pins, sight) => ({
    columns: [
      text('TABLE_CATALOG'),
      text('TABLE_SCHEMA'),
      text('TABLE_NAME'),
      text('COLUMN_NAME'),
      fixed('ORDINAL_POSITION'),
      text('COLUMN_DEFAULT'),
      text('IS_NULLABLE'),
      text('DATA_TYPE'),
      fixed('CHARACTER_MAXIMUM_LENGTH'),
      fixed('CHARACTER_OCTET_LENGTH'),
      fixed('NUMERIC_PRECISION'),
      fixed('NUMERIC_PRECISION_RADIX'),
      fixed('NUMERIC_SCALE'),
      fixed('DATETIME_PRECISION'),
      text('IS_IDENTITY'),
      text('COMMENT'),
    ],
    rows: objects(db, pins, sight).flatMap(({ schema, t }) =>
      t.columns.map((c, k) => {
        const info = columnTypeInfo(c.type);
        return {
          TABLE_CATALOG: db.name,
          TABLE_SCHEMA: schema,
          TABLE_NAME: t.name,
          COLUMN_NAME: c.name,
          ORDINAL_POSITION: k + 1,
          COLUMN_DEFAULT: null,
          IS_NULLABLE: c.nullable ? 'YES' : 'NO',
          DATA_TYPE: info.dataType,
          CHARACTER_MAXIMUM_LENGTH: info.length,
          CHARACTER_OCTET_LENGTH: info.length === null ? null : Math.min(info.length * 4, 16777216),
          NUMERIC_PRECISION: info.precision,
          NUMERIC_PRECISION_RADIX: info.precision === null ? null : 10,
          NUMERIC_SCALE: info.dataType === 'NUMBER' ? info.scale : null,
          DATETIME_PRECISION: info.dataType.startsWith('TIMESTAMP') ? info.scale : null,
          IS_IDENTITY: 'NO',
          COMMENT: c.comment,
        };
      }),
    ),
  }),
  SCHEMATA: (account, db, _pins, sight) => ({
    columns: [
      text('CATALOG_NAME'),
      text('SCHEMA_NAME'),
      text('SCHEMA_OWNER'),
      text('IS_TRANSIENT'),
      text('IS_MANAGED_ACCESS'),
      fixed('RETENTION_TIME'),
      ts('CREATED'),
      ts('LAST_ALTERED'),
      text('COMMENT'),
    ],
    rows: [
      ...[...db.schemas.values()]
        .filter((s) => sight.sees('SCHEMA', [db.name, s.name]))
        .map((s) => ({ name: s.name, createdOn: s.createdOn })),
      { name: INFORMATION_SCHEMA, createdOn: db.createdOn },
    ].map((s) => ({
      CATALOG_NAME: db.name,
      SCHEMA_NAME: s.name,
      SCHEMA_OWNER: account.owner('SCHEMA', [db.name, s.name]) || null,
      IS_TRANSIENT: 'NO',
      IS_MANAGED_ACCESS: 'NO',
      RETENTION_TIME: 1,
      CREATED: s.createdOn,
      LAST_ALTERED: s.createdOn,
      COMMENT: s.name === INFORMATION_SCHEMA ? 'Views describing the contents of schemas in this database' : null,
    })),
  }),
  TABLE_PRIVILEGES: (account, db, pins, sight) => ({
    columns: [
      text('GRANTOR'),
      text('GRANTEE'),
      text('TABLE_CATALOG'),
      text('TABLE_SCHEMA'),
      text('TABLE_NAME'),
      text('PRIVILEGE_TYPE'),
      text('IS_GRANTABLE'),
      text('WITH_HIERARCHY'),
      ts('CREATED'),
    ],
    rows: tablesIn(db, pins)
      .flatMap(({ schema, t }) => account.grantsOnObject(t.kind, [db.name, schema, t.name]))
      .filter((g) => sight.sees(g.on.type, g.on.path))
      .map((g) => ({
        GRANTOR: g.grantedBy,
        GRANTEE: g.grantee,
        TABLE_CATALOG: g.on.path[0]!,
        TABLE_SCHEMA: g.on.path[1]!,
        TABLE_NAME: g.on.path[2]!,
        PRIVILEGE_TYPE: g.privilege,
        IS_GRANTABLE: g.grantOption ? 'YES' : 'NO',
        WITH_HIERARCHY: 'NO',
        CREATED: g.createdOn,
      })),
  }),
  // Databases and schemas. A database row names the database in both OBJECT_CATALOG and OBJECT_NAME; a schema
  // row has its database in OBJECT_CATALOG and its own name in OBJECT_NAME (OBJECT_SCHEMA is NULL for both).
  // Snowflake documents this view as covering "all objects defined in your account", unlike the other views of a
  // database's INFORMATION_SCHEMA: the emulator answers with every database's rows, the widest reading.
  OBJECT_PRIVILEGES: (account, _db, _pins, sight) => ({
    columns: [
      text('GRANTOR'),
      text('GRANTEE'),
      text('OBJECT_CATALOG'),
      text('OBJECT_SCHEMA'),
      text('OBJECT_NAME'),
      text('OBJECT_TYPE'),
      text('PRIVILEGE_TYPE'),
      text('IS_GRANTABLE'),
      ts('CREATED'),
    ],
    rows: [...account.databases.values()]
      .flatMap((d) => [
        ...account.grantsOnObject('DATABASE', [d.name]),
        ...[...d.schemas.keys()].flatMap((s) => account.grantsOnObject('SCHEMA', [d.name, s])),
      ])
      .filter((g) => sight.sees(g.on.type, g.on.path))
      .map((g) => ({
        GRANTOR: g.grantedBy,
        GRANTEE: g.grantee,
        OBJECT_CATALOG: g.on.path[0]!,
        OBJECT_SCHEMA: null,
        OBJECT_NAME: g.on.path[g.on.path.length - 1]!,
        OBJECT_TYPE: g.on.type,
        PRIVILEGE_TYPE: g.privilege,
        IS_GRANTABLE: g.grantOption ? 'YES' : 'NO',
        CREATED: g.createdOn,
      })),
  }),
};

/** The tables and views of `db` the pins leave, whoever may see them. */
function tablesIn(db: Database, pins: Pins): { schema: string; t: import('../account.js').TableObject }[] {
  const schemas =
    pins.TABLE_SCHEMA === undefined ? [...db.schemas.values()] : [db.schemas.get(pins.TABLE_SCHEMA) ?? []].flat();
  return schemas.flatMap((s) => {
    const tables =
      pins.TABLE_NAME === undefined ? [...s.tables.values()] : [s.tables.get(pins.TABLE_NAME) ?? []].flat();
    return tables.map((t) => ({ schema: s.name, t }));
  });
}

function objects(db: Database, pins: Pins, sight: Sight): { schema: string; t: import('../account.js').TableObject }[] {
  return tablesIn(db, pins).filter(({ schema, t }) => sight.sees(t.kind, [db.name, schema, t.name]));
}
