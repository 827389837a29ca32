import {
  type EvalEnv,
  evaluatePolicy,
  type PolicyExpr,
  parsePolicyExpression,
} from '../../snowflake/policy-expression.js';
import { SnowflakeSqlError } from '../../snowflake/sql-error.js';
import type { Token as ExprToken } from '../../snowflake/sql-lexer.js';
import { DatabricksSqlError, parseError, quotePart } from '../errors.js';
import type { Metastore, TableEntry } from '../metastore.js';
import { type Cell, type ResultSet, stringColumns } from '../results.js';
import { type Token, tokenize } from '../sql/lexer.js';
import {
  qualifySchema,
  qualifyTable,
  type SessionState,
  type StatementContext,
  type StatementResult,
} from './context.js';

/**
 * Column masks and row filters: SQL UDFs (CREATE [OR REPLACE] FUNCTION ... RETURN <expression>), attached with
 * ALTER TABLE ... ALTER COLUMN ... SET MASK / DROP MASK and ALTER TABLE ... SET ROW FILTER ... ON (...) /
 * DROP ROW FILTER, read back through information_schema.column_masks, row_filters and routines (comment), and
 * applied when a table is queried: rows through the filter, masked columns through their function, evaluated
 * for the session's user and the account groups it belongs to. Bodies use the expression subset the Snowflake
 * emulator evaluates (policy-expression.ts) plus is_account_group_member and trunc.
 */

interface UdfEntry {
  path: string[];
  args: { name: string; type: string }[];
  returns: string;
  bodyText: string;
  body: PolicyExpr;
  comment: string | null;
  owner: string;
}
interface MaskingState {
  functions: Map<string, UdfEntry>;
  masks: Map<string, string>;
  filters: Map<string, { fn: string; columns: string[] }>;
}

const states = new WeakMap<Metastore, MaskingState>();
function stateOf(m: Metastore): MaskingState {
  let s = states.get(m);
  if (!s) {
    s = { functions: new Map(), masks: new Map(), filters: new Map() };
    states.set(m, s);
  }
  return s;
}
const key = (path: readonly string[]) => path.map((p) => p.toLowerCase()).join('\u0000');
const fold = (path: readonly string[]) => path.map((p) => p.toLowerCase());
const quotePath = (path: readonly string[]) => path.map(quotePart).join('.');

type MaskingStatement =
  | {
      kind: 'create-function';
      orReplace: boolean;
      ifNotExists: boolean;
      name: string[];
      args: { name: string; type: string }[];
      returns: string;
      comment: string | null;
      bodyText: string;
    }
  | { kind: 'drop-function'; ifExists: boolean; name: string[] }
  | { kind: 'create-schema'; ifNotExists: boolean; name: string[] }
  | { kind: 'set-mask'; table: string[]; column: string; fn: string[] }
  | { kind: 'drop-mask'; table: string[]; column: string }
  | { kind: 'set-row-filter'; table: string[]; fn: string[]; columns: string[] }
  | { kind: 'drop-row-filter'; table: string[] };

class Cursor {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}
  peek(o = 0): Token {
    return this.tokens[Math.min(this.i + o, this.tokens.length - 1)]!;
  }
  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  isWord(w: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'word' && t.text.toUpperCase() === w;
  }
  accept(...ws: string[]): boolean {
    if (!ws.every((w, k) => this.isWord(w, k))) return false;
    this.i += ws.length;
    return true;
  }
  expect(...ws: string[]): void {
    if (!this.accept(...ws)) throw parseError(this.peek().text);
  }
  acceptPunct(p: string): boolean {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== p) return false;
    this.i++;
    return true;
  }
  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw parseError(this.peek().text);
  }
  ident(): string {
    const t = this.next();
    if (t.kind !== 'word' && t.kind !== 'quoted') throw parseError(t.text);
    return t.text;
  }
  name(): string[] {
    const parts = [this.ident()];
    while (this.acceptPunct('.')) parts.push(this.ident());
    return parts;
  }
  string(): string {
    const t = this.next();
    if (t.kind !== 'string') throw parseError(t.text);
    return t.text;
  }
  type(): string {
    let type = this.ident().toUpperCase();
    if (this.acceptPunct('(')) {
      const parts: string[] = [];
      do parts.push(this.next().text);
      while (this.acceptPunct(','));
      this.expectPunct(')');
      type += `(${parts.join(',')})`;
    }
    return type;
  }
  end(): void {
    while (this.acceptPunct(';'));
    if (this.peek().kind !== 'eof') throw parseError(this.peek().text);
  }
}

/**
 * A UDF body read the way Spark reads it — strings in `'` or `"`, names in backquotes, `--` and block
 * comments — as tokens of the expression parser the two emulators share. Spark names are case-insensitive:
 * a backquoted one is upper-cased like a bare one.
 */
function sparkTokens(text: string): ExprToken[] {
  return tokenize(text).flatMap((t): ExprToken[] => {
    const at = { start: t.pos, end: t.pos + t.text.length };
    switch (t.kind) {
      case 'eof':
        return [];
      case 'word':
        return [{ kind: 'word', text: t.text, upper: t.text.toUpperCase(), ...at }];
      case 'quoted':
        return [{ kind: 'quoted', text: t.text.toUpperCase(), ...at }];
      case 'string':
      case 'number':
      case 'punct':
        return [{ kind: t.kind, text: t.text, ...at }];
    }
  });
}

/** The offset of the top-level word RETURN (not RETURNS) outside quotes: where a SQL UDF's body starts. */
function returnKeyword(sql: string): number {
  for (let i = 0; i < sql.length; ) {
    const c = sql[i]!;
    if (c === '`' || c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j - 1] !== '\\')) j++;
      i = j + 1;
      continue;
    }
    if (/^RETURN\b(?!S)/i.test(sql.slice(i, i + 7)) && (i === 0 || /\W/.test(sql[i - 1]!))) return i;
    i++;
  }
  return -1;
}

/** The masking form of a statement, or undefined to let the main parser have it. */
export function parseMaskingStatement(sql: string): MaskingStatement | undefined {
  const head = /^\s*(CREATE|DROP|ALTER)\b/i.exec(sql);
  if (!head) return undefined;
  if (/^\s*CREATE\s+(OR\s+REPLACE\s+)?FUNCTION\b/i.test(sql)) {
    const at = returnKeyword(sql);
    if (at < 0) throw parseError('');
    const c = new Cursor(tokenize(sql.slice(0, at)));
    c.expect('CREATE');
    const orReplace = c.accept('OR', 'REPLACE');
    c.expect('FUNCTION');
    const ifNotExists = c.accept('IF', 'NOT', 'EXISTS');
    const name = c.name();
    c.expectPunct('(');
    const args: { name: string; type: string }[] = [];
    if (!c.acceptPunct(')')) {
      do args.push({ name: c.ident(), type: c.type() });
      while (c.acceptPunct(','));
      c.expectPunct(')');
    }
    c.expect('RETURNS');
    const returns = c.type();
    const comment = c.accept('COMMENT') ? c.string() : null;
    c.end();
    const bodyText = sql
      .slice(at + 'RETURN'.length)
      .trim()
      .replace(/;\s*$/, '');
    return { kind: 'create-function', orReplace, ifNotExists, name, args, returns, comment, bodyText };
  }
  const c = new Cursor(tokenize(sql));
  if (c.accept('DROP', 'FUNCTION')) {
    const ifExists = c.accept('IF', 'EXISTS');
    const name = c.name();
    c.end();
    return { kind: 'drop-function', ifExists, name };
  }
  if (c.accept('CREATE', 'SCHEMA') || c.accept('CREATE', 'DATABASE')) {
    const ifNotExists = c.accept('IF', 'NOT', 'EXISTS');
    const name = c.name();
    c.end();
    return { kind: 'create-schema', ifNotExists, name };
  }
  if (!c.accept('ALTER', 'TABLE')) return undefined;
  const table = c.name();
  if (c.accept('ALTER', 'COLUMN') || c.accept('CHANGE', 'COLUMN') || c.accept('ALTER')) {
    const column = c.ident();
    if (c.accept('SET', 'MASK')) {
      const fn = c.name();
      c.end();
      return { kind: 'set-mask', table, column, fn };
    }
    c.expect('DROP', 'MASK');
    c.end();
    return { kind: 'drop-mask', table, column };
  }
  if (c.accept('SET', 'ROW', 'FILTER')) {
    const fn = c.name();
    c.expect('ON');
    c.expectPunct('(');
    const columns: string[] = [];
    if (!c.acceptPunct(')')) {
      do columns.push(c.ident());
      while (c.acceptPunct(','));
      c.expectPunct(')');
    }
    c.end();
    return { kind: 'set-row-filter', table, fn, columns };
  }
  if (c.accept('DROP', 'ROW', 'FILTER')) {
    c.end();
    return { kind: 'drop-row-filter', table };
  }
  return undefined;
}

const routineNotFound = (path: readonly string[]) =>
  new DatabricksSqlError(
    'ROUTINE_NOT_FOUND',
    `The routine ${quotePath(path)} cannot be found. Verify the spelling and correctness of the schema and catalog.`,
    '42883',
  );

function asDatabricksError(e: unknown): never {
  if (e instanceof SnowflakeSqlError)
    throw new DatabricksSqlError(
      /invalid identifier/.test(e.message) ? 'UNRESOLVED_COLUMN.WITHOUT_SUGGESTION' : 'PARSE_SYNTAX_ERROR',
      e.message.replace(/^SQL compilation error:\s*/, ''),
      '42000',
    );
  throw e;
}

function refsOf(e: PolicyExpr, out = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'ref':
      out.add(e.name.toUpperCase());
      break;
    case 'call':
      e.args.forEach((a) => refsOf(a, out));
      break;
    case 'cast':
    case 'not':
    case 'neg':
    case 'isNull':
      refsOf(e.operand, out);
      break;
    case 'in':
      refsOf(e.operand, out);
      e.values.forEach((v) => refsOf(v, out));
      break;
    case 'like':
      refsOf(e.operand, out);
      refsOf(e.pattern, out);
      break;
    case 'binary':
      refsOf(e.left, out);
      refsOf(e.right, out);
      break;
    case 'case':
      e.branches.forEach((b) => {
        refsOf(b.when, out);
        refsOf(b.then, out);
      });
      if (e.otherwise) refsOf(e.otherwise, out);
      break;
    case 'lit':
      break;
  }
  return out;
}

const baseType = (t: string) => {
  const b = t.trim().toUpperCase().replace(/\(.*$/, '');
  return (
    (
      {
        VARCHAR: 'STRING',
        CHAR: 'STRING',
        INTEGER: 'INT',
        LONG: 'BIGINT',
        SHORT: 'SMALLINT',
        BYTE: 'TINYINT',
        DEC: 'DECIMAL',
        NUMERIC: 'DECIMAL',
      } as Record<string, string>
    )[b] ?? b
  );
};

/** Runs a masking statement, or returns 'not-masking' for the main executor. */
export function executeMasking(ctx: StatementContext, sql: string): StatementResult | 'not-masking' {
  const s = parseMaskingStatement(sql);
  if (!s) return 'not-masking';
  const { metastore, session } = ctx;
  const st = stateOf(metastore);
  switch (s.kind) {
    case 'create-schema': {
      const [catalog, name] = fold(qualifySchema(s.name, session)) as [string, string];
      const c = metastore.catalog(catalog);
      if (c.schemas.has(name)) {
        if (s.ifNotExists) return undefined;
        throw new DatabricksSqlError(
          'SCHEMA_ALREADY_EXISTS',
          `Cannot create schema ${quotePath([catalog, name])} because it already exists.`,
          '42P06',
        );
      }
      c.schemas.set(name, {
        name,
        owner: session.user,
        tables: new Map(),
        functions: new Map(),
        volumes: new Map(),
        models: new Map(),
      });
      return undefined;
    }
    case 'create-function': {
      const path = fold(qualifyTable(s.name, session));
      const schema = metastore.schema(path);
      const exists = st.functions.has(key(path)) || schema.functions.has(path[2]!);
      if (exists && s.ifNotExists) return undefined;
      if (exists && !s.orReplace)
        throw new DatabricksSqlError(
          'ROUTINE_ALREADY_EXISTS',
          `Cannot create the routine ${quotePath(path)} because it already exists.`,
          '42723',
        );
      let body: PolicyExpr;
      try {
        body = parsePolicyExpression(s.bodyText, sparkTokens);
      } catch (e) {
        asDatabricksError(e);
      }
      const names = new Set(s.args.map((a) => a.name.toUpperCase()));
      for (const r of refsOf(body))
        if (!names.has(r))
          throw new DatabricksSqlError(
            'UNRESOLVED_COLUMN.WITHOUT_SUGGESTION',
            `A column, variable, or function parameter with name \`${r.toLowerCase()}\` cannot be resolved.`,
            '42703',
          );
      st.functions.set(key(path), {
        path,
        args: s.args,
        returns: s.returns,
        bodyText: s.bodyText,
        body,
        comment: s.comment,
        owner: session.user,
      });
      schema.functions.set(path[2]!, { name: path[2]!, owner: session.user });
      return undefined;
    }
    case 'drop-function': {
      const path = fold(qualifyTable(s.name, session));
      if (!st.functions.has(key(path))) {
        if (s.ifExists) return undefined;
        throw routineNotFound(path);
      }
      const used = [...st.masks.values(), ...[...st.filters.values()].map((f) => f.fn)].includes(key(path));
      if (used)
        throw new DatabricksSqlError(
          'INVALID_PARAMETER_VALUE.ROUTINE_IN_USE',
          `Cannot drop ${quotePath(path)}: it is used as a column mask or row filter; drop the mask or filter first.`,
          '22023',
        );
      st.functions.delete(key(path));
      metastore.schema(path).functions.delete(path[2]!);
      return undefined;
    }
    case 'set-mask':
    case 'drop-mask':
    case 'set-row-filter':
    case 'drop-row-filter': {
      const tablePath = fold(qualifyTable(s.table, session));
      const table = metastore.table(tablePath);
      if (table.kind === 'VIEW') {
        throw new DatabricksSqlError(
          'UNSUPPORTED_FEATURE.ROW_COLUMN_ACCESS_POLICY_ON_VIEW',
          `Row filters and column masks cannot be set on the view ${quotePath(tablePath)}.`,
          '0A000',
        );
      }
      const column = (name: string) => {
        const col = table.columns.find((x) => x.name.toLowerCase() === name.toLowerCase());
        if (!col)
          throw new DatabricksSqlError(
            'UNRESOLVED_COLUMN.WITHOUT_SUGGESTION',
            `A column with name \`${name}\` cannot be resolved in ${quotePath(tablePath)}.`,
            '42703',
          );
        return col;
      };
      const fn = (name: string[]) => {
        const path = fold(qualifyTable(name, session));
        const f = st.functions.get(key(path));
        if (!f) throw routineNotFound(path);
        return f;
      };
      if (s.kind === 'set-mask') {
        const col = column(s.column);
        const f = fn(s.fn);
        if (baseType(f.args[0]?.type ?? '') !== baseType(col.type) || baseType(f.returns) !== baseType(col.type)) {
          throw new DatabricksSqlError(
            'INVALID_PARAMETER_VALUE.COLUMN_MASK_TYPE_MISMATCH',
            `The mask ${quotePath(f.path)} takes and returns ${f.args[0]?.type}/${f.returns}; column ${col.name} is ${col.type}.`,
            '22023',
          );
        }
        // SET MASK replaces a column's mask in one statement.
        st.masks.set(`${key(tablePath)}\u0001${col.name}`, key(f.path));
      } else if (s.kind === 'drop-mask') {
        st.masks.delete(`${key(tablePath)}\u0001${column(s.column).name}`);
      } else if (s.kind === 'set-row-filter') {
        const f = fn(s.fn);
        const cols = s.columns.map((c) => column(c).name);
        if (cols.length !== f.args.length)
          throw new DatabricksSqlError(
            'INVALID_PARAMETER_VALUE.ROW_FILTER_ARITY',
            `The row filter ${quotePath(f.path)} takes ${f.args.length} argument(s), ${cols.length} given.`,
            '22023',
          );
        if (baseType(f.returns) !== 'BOOLEAN')
          throw new DatabricksSqlError(
            'INVALID_PARAMETER_VALUE.ROW_FILTER_RETURN_TYPE',
            `A row filter must return BOOLEAN; ${quotePath(f.path)} returns ${f.returns}.`,
            '22023',
          );
        st.filters.set(key(tablePath), { fn: key(f.path), columns: cols });
      } else {
        st.filters.delete(key(tablePath));
      }
      return undefined;
    }
  }
}

function envFor(metastore: Metastore, session: SessionState, values: Record<string, Cell>): EvalEnv {
  const groups = new Set(
    [...metastore.principals.values()]
      .filter((p) => p.kind === 'group' && (p.members ?? []).includes(session.user))
      .map((p) => p.name),
  );
  return { values, role: '', rolesInSession: new Set(), user: session.user, groups };
}

/** A table's rows as the session's user sees them: through its row filter and its column masks. */
export function visibleRows(
  metastore: Metastore,
  session: SessionState,
  path: readonly string[],
  table: TableEntry,
): Record<string, Cell>[] {
  const st = stateOf(metastore);
  const rows = table.rows ?? [];
  try {
    const filter = st.filters.get(key(path));
    const f = filter ? st.functions.get(filter.fn) : undefined;
    const kept = f
      ? rows.filter(
          (r) =>
            evaluatePolicy(
              f.body,
              envFor(
                metastore,
                session,
                Object.fromEntries(f.args.map((a, k) => [a.name.toUpperCase(), r[filter!.columns[k]!] ?? null])),
              ),
            ) === true,
        )
      : rows;
    const masks = table.columns
      .map((c) => ({ c, f: st.functions.get(st.masks.get(`${key(path)}\u0001${c.name}`) ?? '') }))
      .filter((m) => m.f);
    return kept.map((r) => {
      const out = { ...r };
      for (const { c, f } of masks)
        out[c.name] = evaluatePolicy(
          f!.body,
          envFor(metastore, session, { [f!.args[0]!.name.toUpperCase()]: r[c.name] ?? null }),
        ) as Cell;
      return out;
    });
  } catch (e) {
    return asDatabricksError(e);
  }
}

const displayType = (t: string) => t.toLowerCase();

/** information_schema views for masks and filters, and the comment of each function for routines. */
export const MASKING_VIEWS: Record<string, (m: Metastore, catalogs: string[]) => ResultSet> = {
  column_masks: (m, catalogs) => ({
    columns: stringColumns(
      'catalog_name',
      'schema_name',
      'table_name',
      'column_name',
      'mask_catalog',
      'mask_schema',
      'mask_name',
      'mask_col_usage',
    ),
    rows: [...stateOf(m).masks]
      .map(([target, fn]) => {
        const [table, column] = target.split('\u0001') as [string, string];
        return [...table.split('\u0000'), column, ...fn.split('\u0000'), null];
      })
      .filter((r) => catalogs.includes(String(r[0]))),
  }),
  row_filters: (m, catalogs) => ({
    columns: stringColumns(
      'catalog_name',
      'schema_name',
      'table_name',
      'filter_catalog',
      'filter_schema',
      'filter_name',
      'filter_col_usage',
    ),
    rows: [...stateOf(m).filters]
      .map(([table, f]) => [...table.split('\u0000'), ...f.fn.split('\u0000'), f.columns.join(',')])
      .filter((r) => catalogs.includes(String(r[0]))),
  }),
};

/** What information_schema.routines says of a SQL UDF this module holds: its comment, data type and body. */
export function routineDetails(
  m: Metastore,
  path: readonly string[],
): { comment: string | null; dataType: string | null; definition: string | null } {
  const f = stateOf(m).functions.get(key(path));
  return f
    ? { comment: f.comment, dataType: displayType(f.returns), definition: f.bodyText }
    : { comment: null, dataType: null, definition: null };
}
