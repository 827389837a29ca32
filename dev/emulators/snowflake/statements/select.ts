import { ACCOUNT_NAME } from '../account.js';
import { displayPath } from '../identifiers.js';
import { likeToRegExp } from '../like-pattern.js';
import { SERVER_VERSION } from '../protocol.js';
import { type Cell, type ResultColumn, type ResultSet, STATEMENT_TYPE } from '../result-set.js';
import { doesNotExist, noCurrent, SnowflakeSqlError } from '../sql-error.js';
import type { Condition, Expr, Statement } from '../statement.js';
import { Sight } from '../visibility.js';
import { bindValue, type ExecContext, qualify } from './context.js';
import { INFORMATION_SCHEMA_VIEWS, type Pins, type Relation } from './information-schema.js';
import { tableFunctionRelation, visibleRows } from './masking.js';
import { INFORMATION_SCHEMA, requireDatabase, requireSchema } from './show.js';

type Select = Extract<Statement, { kind: 'select' }>;
type Row = Record<string, Cell>;

/**
 * A small SELECT (branches joined by UNION ALL): pings (`SELECT 1`, `SELECT CURRENT_VERSION()`), `<db>.INFORMATION_SCHEMA.<view>` with
 * WHERE (=, <>, IN, LIKE, IS NULL, AND/OR/NOT) and ORDER BY / LIMIT, and a table or view (no rows: the emulator
 * holds no data, only its columns).
 */
export function executeSelect(ctx: ExecContext, s: Select): ResultSet {
  const first = executeBranch(ctx, s);
  if (!s.unionAll) return first;
  const rest = executeSelect(ctx, s.unionAll);
  if (rest.columns.length !== first.columns.length) {
    throw new SnowflakeSqlError(
      '001789',
      `SQL compilation error:\ninvalid number of result columns for set operator input branches, expected ${first.columns.length}, got ${rest.columns.length} in branch 2`,
      '42601',
    );
  }
  return { ...first, rows: [...first.rows, ...rest.rows] };
}

function executeBranch(ctx: ExecContext, s: Select): ResultSet {
  const source: Relation = s.from?.tableFunction
    ? tableFunctionRelation(ctx, s.from.tableFunction)
    : s.from
      ? relation(ctx, s.from.path, pinsOf(ctx, s.where))
      : { columns: [], rows: [{}] };
  const types = new Map(source.columns.map((c) => [c.name, c.type]));
  let rows = s.where ? source.rows.filter((r) => truth(ctx, s.where!, r)) : source.rows;
  const counts = s.items.some((i) => i.expr !== '*' && i.expr.kind === 'call' && i.expr.name === 'COUNT');
  if (s.groupBy) rows = grouped(ctx, rows, s.groupBy);
  // An aggregate without GROUP BY is one row, even over no rows.
  else if (counts) rows = [{ ...(rows[0] ?? blankOf(source)), [GROUP_SIZE]: rows.length }];

  const items = s.items.flatMap((item) =>
    item.expr === '*'
      ? source.columns.map((c) => ({ expr: { kind: 'column', name: c.name } as Expr, name: c.name, type: c.type }))
      : [
          {
            expr: item.expr,
            name: item.alias ?? (item.expr.kind === 'column' ? item.expr.name : item.text.toUpperCase()),
            type: typeOf(item.expr, types),
          },
        ],
  );
  // Unknown columns are a compile error in Snowflake even when no row would be read.
  const blank: Row = Object.fromEntries(source.columns.map((c) => [c.name, null]));
  for (const item of items) if (item.expr.kind === 'column') evaluate(ctx, item.expr, blank);

  if (s.orderBy.length > 0) {
    // ORDER BY takes a select-list position, an output alias or any expression over the source.
    const orderExprs = s.orderBy.map((o) => {
      if (typeof o.expr === 'number') return items[o.expr - 1]?.expr ?? badPosition(o.expr);
      const e = o.expr;
      const aliased =
        e.kind === 'column' && !e.qualifier && !(e.name in blank) ? items.find((i) => i.name === e.name) : undefined;
      return aliased ? aliased.expr : e;
    });
    const keyed = rows.map((r) => ({ r, keys: orderExprs.map((e) => evaluate(ctx, e, r)) }));
    keyed.sort((a, b) => {
      for (let k = 0; k < s.orderBy.length; k++) {
        const c = compare(a.keys[k] ?? null, b.keys[k] ?? null);
        if (c !== 0) return s.orderBy[k]!.desc ? -c : c;
      }
      return 0;
    });
    rows = keyed.map((x) => x.r);
  }
  if (s.limit !== undefined) rows = rows.slice(0, s.limit);
  const columns: ResultColumn[] = items.map((i) => ({ name: i.name, type: i.type }));
  return {
    columns,
    rows: rows.map((r) => items.map((i) => evaluate(ctx, i.expr, r))),
    statementTypeId: STATEMENT_TYPE.SELECT,
  };
}

/** The `TABLE_SCHEMA = v` and `TABLE_NAME = v` conditions (v a literal or a binding) the whole WHERE requires. */
function pinsOf(ctx: ExecContext, where: Condition | undefined): Pins {
  if (!where) return {};
  if (where.kind === 'and') return { ...pinsOf(ctx, where.left), ...pinsOf(ctx, where.right) };
  if (where.kind !== 'compare' || where.op !== '=' || where.negate || where.left.kind !== 'column') return {};
  const column = where.left.name.toUpperCase();
  if (column !== 'TABLE_SCHEMA' && column !== 'TABLE_NAME') return {};
  if (where.right.kind !== 'literal' && where.right.kind !== 'param') return {};
  const value = bindValue(ctx, where.right);
  return typeof value === 'string' ? { [column]: value } : {};
}

function relation(ctx: ExecContext, path: string[], pins: Pins = {}): Relation {
  const { account } = ctx;
  const isInfo =
    (path.length === 3 && path[1] === INFORMATION_SCHEMA) || (path.length === 2 && path[0] === INFORMATION_SCHEMA);
  if (isInfo) {
    const dbName = path.length === 3 ? path[0]! : ctx.session.database;
    if (!dbName) throw noCurrent('database', 'SELECT');
    const db = requireDatabase(account, dbName);
    // A database the role holds nothing on is, to that role, one that does not exist.
    const sight = new Sight(account, ctx.session.role);
    if (!sight.sees('DATABASE', [db.name])) throw doesNotExist('Database', [db.name]);
    const view = INFORMATION_SCHEMA_VIEWS[path[path.length - 1]!];
    if (!view) throw doesNotExist('Object', [db.name, INFORMATION_SCHEMA, path[path.length - 1]!]);
    return view(account, db, pins, sight);
  }
  const full = qualify(ctx, path, 3, 'SELECT');
  requireSchema(account, full);
  const t = account.table(full[0]!, full[1]!, full[2]!);
  if (!t) throw doesNotExist('Object', full);
  return {
    columns: t.columns.map((c) => ({
      name: c.name,
      type: /^(NUMBER|INT|INTEGER|BIGINT|DECIMAL|NUMERIC)/i.test(c.type)
        ? 'fixed'
        : /^TIMESTAMP/i.test(c.type)
          ? 'timestamp_ltz'
          : 'text',
    })),
    // Seeded rows, through the table's row access policy and column masks for the session's role.
    rows: visibleRows(account, ctx.session, full, t),
  };
}

/** The rows a row of each group stands for; ROW_COUNT under a name no column has carries the group's size. */
const GROUP_SIZE = '\u0000group size';
function grouped(ctx: ExecContext, rows: Row[], by: Expr[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = JSON.stringify(by.map((e) => evaluate(ctx, e, r)));
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((g) => ({ ...g[0]!, [GROUP_SIZE]: g.length }));
}

const blankOf = (source: Relation): Row => Object.fromEntries(source.columns.map((c) => [c.name, null]));

function badPosition(n: number): never {
  throw new SnowflakeSqlError(
    '000904',
    `SQL compilation error: error line 1 at position 0\nORDER BY position ${n} is not in select list`,
    '42000',
  );
}

function typeOf(e: Expr, types: Map<string, ResultColumn['type']>): ResultColumn['type'] {
  if (e.kind === 'column') return types.get(e.name) ?? 'text';
  if (e.kind === 'literal') return typeof e.value === 'number' && Number.isInteger(e.value) ? 'fixed' : 'text';
  if (e.kind === 'call' && e.name === 'COUNT') return 'fixed';
  if (e.kind === 'call')
    return ['CURRENT_TIMESTAMP', 'SYSDATE', 'LOCALTIMESTAMP'].includes(e.name) ? 'timestamp_ltz' : 'text';
  return 'text';
}

function evaluate(ctx: ExecContext, e: Expr, row: Row): Cell {
  switch (e.kind) {
    case 'literal':
    case 'param':
      return bindValue(ctx, e);
    case 'column':
      if (!(e.name in row)) {
        throw new SnowflakeSqlError(
          '000904',
          `SQL compilation error: error line 1 at position 0\ninvalid identifier '${displayPath(e.qualifier ? [e.qualifier, e.name] : [e.name])}'`,
          '42000',
        );
      }
      return row[e.name] ?? null;
    case 'call':
      if (e.name === 'COUNT' && e.args.length === 0) return typeof row[GROUP_SIZE] === 'number' ? row[GROUP_SIZE] : 1;
      return call(
        ctx,
        e.name,
        e.args.map((a) => evaluate(ctx, a, row)),
      );
  }
}

function call(ctx: ExecContext, name: string, args: Cell[]): Cell {
  const { session } = ctx;
  switch (name) {
    case 'CURRENT_VERSION':
      return SERVER_VERSION;
    case 'CURRENT_ROLE':
      return session.role;
    case 'CURRENT_USER':
      return session.user;
    case 'CURRENT_ACCOUNT':
    case 'CURRENT_ACCOUNT_NAME':
      return ACCOUNT_NAME;
    case 'CURRENT_REGION':
      return 'EMULATOR';
    case 'CURRENT_DATABASE':
      return session.database;
    case 'CURRENT_SCHEMA':
      return session.schema;
    case 'CURRENT_WAREHOUSE':
      return session.warehouse;
    case 'CURRENT_SESSION':
      return String(session.id);
    case 'CURRENT_TIMESTAMP':
    case 'SYSDATE':
    case 'LOCALTIMESTAMP':
      return new Date();
    case 'TO_VARCHAR':
    case 'TO_CHAR':
      return args[0] === null || args[0] === undefined ? null : String(args[0]);
    case 'UPPER':
      return args[0] === null || args[0] === undefined ? null : String(args[0]).toUpperCase();
    case 'LOWER':
      return args[0] === null || args[0] === undefined ? null : String(args[0]).toLowerCase();
    default:
      throw new SnowflakeSqlError('002140', `SQL compilation error:\nUnknown function ${name}`, '42601');
  }
}

function truth(ctx: ExecContext, c: Condition, row: Row): boolean {
  switch (c.kind) {
    case 'and':
      return truth(ctx, c.left, row) && truth(ctx, c.right, row);
    case 'or':
      return truth(ctx, c.left, row) || truth(ctx, c.right, row);
    case 'not':
      return !truth(ctx, c.operand, row);
    case 'isNull':
      return (evaluate(ctx, c.operand, row) === null) !== c.negate;
    case 'in': {
      const left = evaluate(ctx, c.left, row);
      if (left === null) return false;
      return c.values.some((v) => compare(left, evaluate(ctx, v, row)) === 0) !== c.negate;
    }
    case 'compare': {
      const left = evaluate(ctx, c.left, row),
        right = evaluate(ctx, c.right, row);
      if (left === null || right === null) return false;
      let result: boolean;
      switch (c.op) {
        case 'LIKE':
        case 'ILIKE':
          result = likeToRegExp(String(right), c.op === 'ILIKE').test(String(left));
          break;
        case '=':
          result = compare(left, right) === 0;
          break;
        case '<>':
          result = compare(left, right) !== 0;
          break;
        case '<':
          result = compare(left, right) < 0;
          break;
        case '>':
          result = compare(left, right) > 0;
          break;
        case '<=':
          result = compare(left, right) <= 0;
          break;
        case '>=':
          result = compare(left, right) >= 0;
          break;
      }
      return result !== c.negate;
    }
  }
}

/** Total order for ORDER BY and comparisons: NULLs last, numbers numerically, everything else as text (by code point). */
function compare(a: Cell, b: Cell): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const x = a instanceof Date ? a.getTime() : a,
    y = b instanceof Date ? b.getTime() : b;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'number' && typeof y === 'string' && y.trim() !== '' && !Number.isNaN(Number(y)))
    return x - Number(y);
  if (typeof y === 'number' && typeof x === 'string' && x.trim() !== '' && !Number.isNaN(Number(x)))
    return Number(x) - y;
  // "By default, strings are compared according to the Unicode codes that represent the characters"
  // (docs.snowflake.com/en/sql-reference/collation): code point order, which UTF-8 bytes keep and UTF-16 does not.
  return Buffer.compare(Buffer.from(String(x), 'utf8'), Buffer.from(String(y), 'utf8'));
}
