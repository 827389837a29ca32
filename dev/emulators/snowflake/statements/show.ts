import type { Account, Database, Schema, TableObject } from '../account.js';
import { likeToRegExp } from '../like-pattern.js';
import {
  type Cell,
  fixed,
  type ResultColumn,
  type ResultSet,
  rowsByName,
  STATEMENT_TYPE,
  text,
  timestamp,
} from '../result-set.js';
import { doesNotExist } from '../sql-error.js';
import type { ShowScope, Statement } from '../statement.js';
import { columnTypeJson } from './column-type.js';
import { bindValue, type ExecContext, qualify } from './context.js';

// Column sets as Snowflake returns them (a connector must read them by name: Snowflake adds columns over time).
const DATABASE_COLUMNS = [
  timestamp('created_on'),
  text('name'),
  text('is_default'),
  text('is_current'),
  text('origin'),
  text('owner'),
  text('comment'),
  text('options'),
  text('retention_time'),
  text('kind'),
  text('budget'),
  text('owner_role_type'),
];
const SCHEMA_COLUMNS = [
  timestamp('created_on'),
  text('name'),
  text('is_default'),
  text('is_current'),
  text('database_name'),
  text('owner'),
  text('comment'),
  text('options'),
  text('retention_time'),
  text('owner_role_type'),
  text('budget'),
];
const TABLE_COLUMNS = [
  timestamp('created_on'),
  text('name'),
  text('database_name'),
  text('schema_name'),
  text('kind'),
  text('comment'),
  text('cluster_by'),
  fixed('rows'),
  fixed('bytes'),
  text('owner'),
  text('retention_time'),
  text('automatic_clustering'),
  text('change_tracking'),
  text('search_optimization'),
  text('search_optimization_progress'),
  text('search_optimization_bytes'),
  text('is_external'),
  text('enable_schema_evolution'),
  text('owner_role_type'),
  text('is_event'),
  text('budget'),
  text('is_hybrid'),
  text('is_iceberg'),
  text('is_dynamic'),
  text('is_immutable'),
];
const VIEW_COLUMNS = [
  timestamp('created_on'),
  text('name'),
  text('reserved'),
  text('database_name'),
  text('schema_name'),
  text('owner'),
  text('comment'),
  text('text'),
  text('is_secure'),
  text('is_materialized'),
  text('owner_role_type'),
  text('change_tracking'),
];
const OBJECT_COLUMNS = [
  timestamp('created_on'),
  text('name'),
  text('database_name'),
  text('schema_name'),
  text('kind'),
  text('comment'),
  text('cluster_by'),
  fixed('rows'),
  fixed('bytes'),
  text('owner'),
  text('retention_time'),
  text('owner_role_type'),
  text('budget'),
  text('is_hybrid'),
  text('is_dynamic'),
];
const COLUMN_COLUMNS = [
  text('table_name'),
  text('schema_name'),
  text('column_name'),
  text('data_type'),
  text('null?'),
  text('default'),
  text('kind'),
  text('expression'),
  text('comment'),
  text('database_name'),
  text('autoincrement'),
  text('schema_evolution_record'),
];
const ROLE_COLUMNS = [
  timestamp('created_on'),
  text('name'),
  text('is_default'),
  text('is_current'),
  text('is_inherited'),
  fixed('assigned_to_users'),
  fixed('granted_to_roles'),
  fixed('granted_roles'),
  text('owner'),
  text('comment'),
  text('owner_role_type'),
];
// SHOW USERS, in Snowflake's column order (docs.snowflake.com/en/sql-reference/sql/show-users), the columns
// that are not about MFA, keys or session policy.
const USER_COLUMNS = [
  text('name'),
  timestamp('created_on'),
  text('login_name'),
  text('display_name'),
  text('first_name'),
  text('last_name'),
  text('email'),
  text('comment'),
  text('disabled'),
  text('must_change_password'),
  text('default_warehouse'),
  text('default_namespace'),
  text('default_role'),
  text('owner'),
  text('has_password'),
  text('has_rsa_public_key'),
  text('type'),
];
const WAREHOUSE_COLUMNS = [
  text('name'),
  text('state'),
  text('type'),
  text('size'),
  text('is_default'),
  text('is_current'),
  text('owner'),
  text('comment'),
];

export const INFORMATION_SCHEMA = 'INFORMATION_SCHEMA';

const TERSE_COLUMNS = [timestamp('created_on'), text('name'), text('kind'), text('database_name'), text('schema_name')];

/** SHOW TERSE keeps five columns of the full answer (DATABASES and SCHEMAS have no schema, DATABASES no database). */
export function executeShow(ctx: ExecContext, s: Extract<Statement, { kind: 'show' }>): ResultSet {
  const full = executeFullShow(ctx, s);
  if (!s.terse) return full;
  const index = new Map(full.columns.map((c, k) => [c.name, k]));
  const kind = s.what === 'DATABASES' ? 'STANDARD' : s.what === 'SCHEMAS' ? 'SCHEMA' : null;
  const pick = (row: Cell[], name: string): Cell => {
    if (s.what === 'DATABASES' && name === 'database_name') return null;
    if (s.what === 'SCHEMAS' && name === 'schema_name') return null;
    if (name === 'kind' && kind) return kind;
    const k = index.get(name);
    return k === undefined ? (s.what === 'VIEWS' && name === 'kind' ? 'VIEW' : null) : (row[k] ?? null);
  };
  return { ...full, columns: TERSE_COLUMNS, rows: full.rows.map((row) => TERSE_COLUMNS.map((c) => pick(row, c.name))) };
}

function executeFullShow(ctx: ExecContext, s: Extract<Statement, { kind: 'show' }>): ResultSet {
  const { account, session } = ctx;
  const like = s.like ? likeToRegExp(String(bindValue(ctx, s.like) ?? ''), true) : undefined;
  const startsWith = s.startsWith ? String(bindValue(ctx, s.startsWith) ?? '') : undefined;
  const keep = (name: string): boolean =>
    (!like || like.test(name)) && (startsWith === undefined || name.startsWith(startsWith));
  const answer = (columns: ResultColumn[], records: Record<string, Cell>[]): ResultSet => ({
    columns,
    rows: rowsByName(columns, s.limit === undefined ? records : records.slice(0, s.limit)),
    statementTypeId: STATEMENT_TYPE.SHOW,
  });

  switch (s.what) {
    case 'DATABASES':
      return answer(
        DATABASE_COLUMNS,
        sorted([...account.databases.values()])
          .filter((d) => keep(d.name))
          .map((d) => ({
            created_on: d.createdOn,
            name: d.name,
            is_default: 'N',
            is_current: d.name === session.database ? 'Y' : 'N',
            origin: '',
            owner: account.owner('DATABASE', [d.name]),
            comment: '',
            options: '',
            retention_time: '1',
            kind: 'STANDARD',
            budget: null,
            owner_role_type: ownerType(account, 'DATABASE', [d.name]),
          })),
      );
    case 'SCHEMAS': {
      const databases = schemaScope(ctx, s.scope);
      return answer(
        SCHEMA_COLUMNS,
        databases.flatMap((d) =>
          [...sorted([...d.schemas.values()]), informationSchema(d)]
            .filter((sc) => keep(sc.name))
            .map((sc) => ({
              created_on: sc.createdOn,
              name: sc.name,
              is_default: 'N',
              is_current: d.name === session.database && sc.name === session.schema ? 'Y' : 'N',
              database_name: d.name,
              owner: sc.name === INFORMATION_SCHEMA ? '' : account.owner('SCHEMA', [d.name, sc.name]),
              comment:
                sc.name === INFORMATION_SCHEMA ? 'Views describing the contents of schemas in this database' : '',
              options: '',
              retention_time: '1',
              owner_role_type: ownerType(account, 'SCHEMA', [d.name, sc.name]),
              budget: null,
            })),
        ),
      );
    }
    case 'TABLES':
    case 'VIEWS':
    case 'OBJECTS': {
      const kinds = s.what === 'TABLES' ? ['TABLE'] : s.what === 'VIEWS' ? ['VIEW'] : ['TABLE', 'VIEW'];
      const objects = containerScope(ctx, s.scope, `SHOW ${s.what}`).flatMap(({ database, schema }) =>
        sorted([...schema.tables.values()])
          .filter((t) => kinds.includes(t.kind) && keep(t.name))
          .map((t) => ({ database, schema, t })),
      );
      if (s.what === 'VIEWS') {
        return answer(
          VIEW_COLUMNS,
          objects.map(({ database, schema, t }) => ({
            created_on: t.createdOn,
            name: t.name,
            reserved: '',
            database_name: database.name,
            schema_name: schema.name,
            owner: account.owner('VIEW', [database.name, schema.name, t.name]),
            comment: t.comment ?? '',
            text: t.text ?? '',
            is_secure: 'false',
            is_materialized: 'false',
            owner_role_type: ownerType(account, 'VIEW', [database.name, schema.name, t.name]),
            change_tracking: 'OFF',
          })),
        );
      }
      return answer(
        s.what === 'TABLES' ? TABLE_COLUMNS : OBJECT_COLUMNS,
        objects.map(({ database, schema, t }) => ({
          created_on: t.createdOn,
          name: t.name,
          database_name: database.name,
          schema_name: schema.name,
          kind: t.kind,
          comment: t.comment ?? '',
          cluster_by: '',
          rows: t.kind === 'TABLE' ? 0 : null,
          bytes: t.kind === 'TABLE' ? 0 : null,
          owner: account.owner(t.kind, [database.name, schema.name, t.name]),
          retention_time: '1',
          automatic_clustering: 'OFF',
          change_tracking: 'OFF',
          search_optimization: 'OFF',
          search_optimization_progress: null,
          search_optimization_bytes: null,
          is_external: 'N',
          enable_schema_evolution: 'N',
          owner_role_type: ownerType(account, t.kind, [database.name, schema.name, t.name]),
          is_event: 'N',
          budget: null,
          is_hybrid: 'N',
          is_iceberg: 'N',
          is_dynamic: 'N',
          is_immutable: 'N',
        })),
      );
    }
    case 'COLUMNS':
      return answer(
        COLUMN_COLUMNS,
        columnScope(ctx, s.scope).flatMap(({ database, schema, t }) =>
          t.columns
            .filter((c) => keep(c.name))
            .map((c) => ({
              table_name: t.name,
              schema_name: schema.name,
              column_name: c.name,
              data_type: JSON.stringify(columnTypeJson(c)),
              'null?': String(c.nullable),
              default: '',
              kind: 'COLUMN',
              expression: null,
              comment: c.comment ?? '',
              database_name: database.name,
              autoincrement: '',
              schema_evolution_record: null,
            })),
        ),
      );
    case 'ROLES':
      return answer(
        ROLE_COLUMNS,
        sorted([...account.roles.values()])
          .filter((r) => keep(r.name))
          .map((r) => ({
            created_on: r.createdOn,
            name: r.name,
            is_default: 'N',
            is_current: r.name === session.role ? 'Y' : 'N',
            is_inherited: 'N',
            assigned_to_users: account.roleGrants((g) => g.role === r.name && g.grantee.type === 'USER').length,
            granted_to_roles: account.roleGrants((g) => g.role === r.name && g.grantee.type === 'ROLE').length,
            granted_roles: account.roleGrants((g) => g.grantee.type === 'ROLE' && g.grantee.name === r.name).length,
            owner: 'USERADMIN',
            comment: r.comment ?? '',
            owner_role_type: 'ROLE',
          })),
      );
    case 'USERS':
      return answer(
        USER_COLUMNS,
        sorted([...account.users.values()])
          .filter((u) => keep(u.name))
          .map((u) => ({
            name: u.name,
            created_on: u.createdOn,
            login_name: u.loginName,
            display_name: u.name,
            first_name: null,
            last_name: null,
            email: null,
            comment: u.comment,
            disabled: 'false',
            must_change_password: 'false',
            default_warehouse: null,
            default_namespace: null,
            default_role: u.defaultRole,
            owner: 'USERADMIN',
            has_password: String(u.hasPassword),
            has_rsa_public_key: 'false',
            type: null,
          })),
      );
    case 'WAREHOUSES':
      return answer(
        WAREHOUSE_COLUMNS,
        ['COMPUTE_WH'].filter(keep).map((name) => ({
          name,
          state: 'STARTED',
          type: 'STANDARD',
          size: 'X-Small',
          is_default: 'N',
          is_current: session.warehouse === name ? 'Y' : 'N',
          owner: 'SYSADMIN',
          comment: '',
        })),
      );
  }
}

function sorted<T extends { name: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function ownerType(account: Account, type: 'DATABASE' | 'SCHEMA' | 'TABLE' | 'VIEW', path: string[]): string {
  return account.owner(type, path) ? 'ROLE' : '';
}

/** Every database has an INFORMATION_SCHEMA, and SHOW SCHEMAS lists it (a connector must skip it itself). */
function informationSchema(d: Database): Schema {
  return { name: INFORMATION_SCHEMA, createdOn: d.createdOn, tables: new Map() };
}

export function requireDatabase(account: Account, name: string): Database {
  const d = account.database(name);
  if (!d) throw doesNotExist('Database', [name]);
  return d;
}

export function requireSchema(account: Account, path: readonly string[]): { database: Database; schema: Schema } {
  const database = requireDatabase(account, path[0]!);
  const schema = database.schemas.get(path[1]!);
  if (!schema) throw doesNotExist('Schema', path);
  return { database, schema };
}

/** SHOW SCHEMAS: IN DATABASE d, IN d, IN ACCOUNT; without IN, the current database if any, else the account. */
function schemaScope(ctx: ExecContext, scope: ShowScope | undefined): Database[] {
  const { account, session } = ctx;
  const all = (): Database[] => sorted([...account.databases.values()]);
  if (!scope) return session.database ? [requireDatabase(account, session.database)] : all();
  switch (scope.kind) {
    case 'account':
      return all();
    case 'database':
    case 'bare':
      return [requireDatabase(account, scope.path ? scope.path[0]! : qualify(ctx, [], 2, 'SHOW SCHEMAS')[0]!)];
    default:
      throw doesNotExist('Database', 'path' in scope && scope.path ? scope.path : []);
  }
}

type Container = { database: Database; schema: Schema };

/** SHOW TABLES / VIEWS: IN ACCOUNT | DATABASE [d] | SCHEMA [s] | <d.s> | <d>; without IN, the current schema, database or account. */
function containerScope(ctx: ExecContext, scope: ShowScope | undefined, command: string): Container[] {
  const { account, session } = ctx;
  const inDatabase = (d: Database): Container[] =>
    sorted([...d.schemas.values()]).map((schema) => ({ database: d, schema }));
  const inAccount = (): Container[] => sorted([...account.databases.values()]).flatMap(inDatabase);
  if (!scope) {
    if (session.database && session.schema) return [requireSchema(account, [session.database, session.schema])];
    return session.database ? inDatabase(requireDatabase(account, session.database)) : inAccount();
  }
  switch (scope.kind) {
    case 'account':
      return inAccount();
    case 'database':
      return inDatabase(requireDatabase(account, scope.path ? scope.path[0]! : qualify(ctx, [], 2, command)[0]!));
    case 'schema':
      return [
        requireSchema(
          account,
          scope.path ? qualify(ctx, scope.path, 2, command) : qualify(ctx, [], 3, command).slice(0, 2),
        ),
      ];
    case 'bare':
      return scope.path.length === 1
        ? inDatabase(requireDatabase(account, scope.path[0]!))
        : [requireSchema(account, scope.path)];
    default:
      throw doesNotExist('Schema', scope.path);
  }
}

/** SHOW COLUMNS: IN TABLE t | VIEW v | <t> | SCHEMA | DATABASE | ACCOUNT. */
function columnScope(
  ctx: ExecContext,
  scope: ShowScope | undefined,
): { database: Database; schema: Schema; t: TableObject }[] {
  const { account } = ctx;
  const objectsIn = (containers: Container[]): { database: Database; schema: Schema; t: TableObject }[] =>
    containers.flatMap(({ database, schema }) =>
      sorted([...schema.tables.values()]).map((t) => ({ database, schema, t })),
    );
  if (
    scope &&
    (scope.kind === 'table' || scope.kind === 'view' || (scope.kind === 'bare' && scope.path.length === 3))
  ) {
    const path = qualify(ctx, scope.path, 3, 'SHOW COLUMNS');
    const { database, schema } = requireSchema(account, path);
    const t = schema.tables.get(path[2]!);
    const wanted = scope.kind === 'view' ? 'VIEW' : scope.kind === 'table' ? 'TABLE' : t?.kind;
    if (!t || t.kind !== wanted) throw doesNotExist(scope.kind === 'view' ? 'View' : 'Table', path);
    return [{ database, schema, t }];
  }
  return objectsIn(containerScope(ctx, scope, 'SHOW COLUMNS'));
}
