import { createHash } from 'node:crypto';
import type { Cell } from './result-set.js';
import { SnowflakeSqlError } from './sql-error.js';
import { type Token, tokenize } from './sql-lexer.js';
import { TokenCursor } from './token-cursor.js';

/**
 * The expression subset a masking or row access policy body is written in — what policysync generates plus
 * the simple predicates a Ranger filterExpr holds: CASE, AND/OR/NOT, comparisons, IS NULL, IN, LIKE, `||`,
 * arithmetic, CAST and a few functions (IS_ROLE_IN_SESSION, CURRENT_USER, CURRENT_ROLE, REGEXP_REPLACE,
 * LENGTH, LEFT, RIGHT, TO_VARCHAR, TO_NUMBER, SHA2, DATE_TRUNC, UPPER, LOWER, COALESCE, IFF; for the Databricks
 * emulator also is_account_group_member and trunc). Dates are
 * 'YYYY-MM-DD' text, as the emulator stores them.
 */
export type PolicyExpr =
  | { kind: 'lit'; value: Cell }
  | { kind: 'ref'; name: string }
  | { kind: 'call'; name: string; args: PolicyExpr[] }
  | { kind: 'cast'; operand: PolicyExpr; type: string }
  | { kind: 'case'; branches: { when: PolicyExpr; then: PolicyExpr }[]; otherwise: PolicyExpr | null }
  | { kind: 'binary'; op: string; left: PolicyExpr; right: PolicyExpr }
  | { kind: 'not'; operand: PolicyExpr }
  | { kind: 'neg'; operand: PolicyExpr }
  | { kind: 'isNull'; operand: PolicyExpr; negate: boolean }
  | { kind: 'in'; operand: PolicyExpr; values: PolicyExpr[]; negate: boolean }
  | { kind: 'like'; operand: PolicyExpr; pattern: PolicyExpr; negate: boolean };

/** The expression `text` is; `lex` reads it into tokens (Snowflake's lexer unless a warehouse brings its own). */
export function parsePolicyExpression(text: string, lex: (text: string) => Token[] = tokenize): PolicyExpr {
  const tokens = [...lex(text), { kind: 'eof', start: text.length, end: text.length } as Token];
  const p = new ExprParser(tokens, text);
  const e = p.expression();
  p.end();
  return e;
}

class ExprParser extends TokenCursor {
  expression(): PolicyExpr {
    return this.or();
  }
  private or(): PolicyExpr {
    let l = this.and();
    while (this.accept('OR')) l = { kind: 'binary', op: 'OR', left: l, right: this.and() };
    return l;
  }
  private and(): PolicyExpr {
    let l = this.not();
    while (this.accept('AND')) l = { kind: 'binary', op: 'AND', left: l, right: this.not() };
    return l;
  }
  private not(): PolicyExpr {
    if (this.accept('NOT')) return { kind: 'not', operand: this.not() };
    return this.comparison();
  }
  private comparison(): PolicyExpr {
    const left = this.concat();
    if (this.accept('IS')) {
      const negate = this.accept('NOT');
      this.expect('NULL');
      return { kind: 'isNull', operand: left, negate };
    }
    const negate =
      this.isWord('NOT') && (this.isWord('IN', 1) || this.isWord('LIKE', 1) || this.isWord('ILIKE', 1))
        ? (this.next(), true)
        : false;
    if (this.accept('IN')) {
      this.expectPunct('(');
      const values: PolicyExpr[] = [];
      do values.push(this.expression());
      while (this.acceptPunct(','));
      this.expectPunct(')');
      return { kind: 'in', operand: left, values, negate };
    }
    if (this.accept('LIKE')) return { kind: 'like', operand: left, pattern: this.concat(), negate };
    for (const op of ['<=', '>=', '<>', '!=', '=', '<', '>']) {
      if (this.acceptPunct(op)) return { kind: 'binary', op: op === '!=' ? '<>' : op, left, right: this.concat() };
    }
    return left;
  }
  private concat(): PolicyExpr {
    let l = this.additive();
    while (this.acceptPunct('||')) l = { kind: 'binary', op: '||', left: l, right: this.additive() };
    return l;
  }
  private additive(): PolicyExpr {
    let l = this.multiplicative();
    for (;;) {
      if (this.acceptPunct('+')) l = { kind: 'binary', op: '+', left: l, right: this.multiplicative() };
      else if (this.acceptPunct('-')) l = { kind: 'binary', op: '-', left: l, right: this.multiplicative() };
      else return l;
    }
  }
  private multiplicative(): PolicyExpr {
    let l = this.unary();
    for (;;) {
      if (this.acceptPunct('*')) l = { kind: 'binary', op: '*', left: l, right: this.unary() };
      else if (this.acceptPunct('/')) l = { kind: 'binary', op: '/', left: l, right: this.unary() };
      else return l;
    }
  }
  private unary(): PolicyExpr {
    if (this.acceptPunct('-')) return { kind: 'neg', operand: this.unary() };
    return this.primary();
  }
  private primary(): PolicyExpr {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'lit', value: t.text };
    if (t.kind === 'number') return { kind: 'lit', value: Number(t.text) };
    if (t.kind === 'quoted') return { kind: 'ref', name: t.text };
    if (t.kind === 'punct' && t.text === '(') {
      const e = this.expression();
      this.expectPunct(')');
      return e;
    }
    if (t.kind !== 'word') return this.fail(t);
    switch (t.upper) {
      case 'NULL':
        return { kind: 'lit', value: null };
      case 'TRUE':
        return { kind: 'lit', value: true };
      case 'FALSE':
        return { kind: 'lit', value: false };
      case 'CASE':
        return this.caseExpr();
      case 'CAST': {
        this.expectPunct('(');
        const operand = this.expression();
        this.expect('AS');
        const type = this.typeName();
        this.expectPunct(')');
        return { kind: 'cast', operand, type };
      }
      default:
        if (this.acceptPunct('(')) {
          const args: PolicyExpr[] = [];
          if (!this.isPunct(')'))
            do args.push(this.expression());
            while (this.acceptPunct(','));
          this.expectPunct(')');
          return { kind: 'call', name: t.upper, args };
        }
        return { kind: 'ref', name: t.upper };
    }
  }
  private caseExpr(): PolicyExpr {
    const branches: { when: PolicyExpr; then: PolicyExpr }[] = [];
    while (this.accept('WHEN')) {
      const when = this.expression();
      this.expect('THEN');
      branches.push({ when, then: this.expression() });
    }
    if (branches.length === 0) this.fail();
    const otherwise = this.accept('ELSE') ? this.expression() : null;
    this.expect('END');
    return { kind: 'case', branches, otherwise };
  }
}

export interface EvalEnv {
  /** Argument values by stored (upper-case unless quoted) name. */
  values: Record<string, Cell>;
  role: string;
  /** Roles the session's role inherits, itself included. */
  rolesInSession: ReadonlySet<string>;
  user: string;
  /** Account groups the user belongs to (the Databricks emulator evaluates its mask functions here too). */
  groups?: ReadonlySet<string>;
}

const isNull = (v: Cell | undefined): v is null | undefined => v === null || v === undefined;
const asText = (v: Cell): string =>
  v instanceof Date ? v.toISOString() : typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);

export function evaluatePolicy(e: PolicyExpr, env: EvalEnv): Cell {
  switch (e.kind) {
    case 'lit':
      return e.value;
    case 'ref': {
      if (!(e.name in env.values))
        throw new SnowflakeSqlError(
          '000904',
          `SQL compilation error: error line 1 at position 0\ninvalid identifier '${e.name}'`,
          '42000',
        );
      return env.values[e.name] ?? null;
    }
    case 'neg': {
      const v = evaluatePolicy(e.operand, env);
      return isNull(v) ? null : -Number(v);
    }
    case 'not': {
      const v = evaluatePolicy(e.operand, env);
      return isNull(v) ? null : !truthy(v);
    }
    case 'isNull':
      return isNull(evaluatePolicy(e.operand, env)) !== e.negate;
    case 'in': {
      const v = evaluatePolicy(e.operand, env);
      if (isNull(v)) return null;
      return e.values.some((x) => compare(v, evaluatePolicy(x, env)) === 0) !== e.negate;
    }
    case 'like': {
      const v = evaluatePolicy(e.operand, env),
        p = evaluatePolicy(e.pattern, env);
      if (isNull(v) || isNull(p)) return null;
      const re = new RegExp(
        `^${asText(p)
          .replace(/[.+^${}()|[\]\\*?]/g, '\\$&')
          .replace(/%/g, '.*')
          .replace(/_/g, '.')}$`,
        's',
      );
      return re.test(asText(v)) !== e.negate;
    }
    case 'case': {
      for (const b of e.branches) if (truthy(evaluatePolicy(b.when, env))) return evaluatePolicy(b.then, env);
      return e.otherwise ? evaluatePolicy(e.otherwise, env) : null;
    }
    case 'cast':
      return cast(evaluatePolicy(e.operand, env), e.type);
    case 'binary':
      return binary(e.op, e.left, e.right, env);
    case 'call':
      return call(e.name, e.args, env);
  }
}

function truthy(v: Cell): boolean {
  return v === true || (typeof v === 'number' && v !== 0) || (typeof v === 'string' && v.toUpperCase() === 'TRUE');
}

function binary(op: string, l: PolicyExpr, r: PolicyExpr, env: EvalEnv): Cell {
  if (op === 'AND' || op === 'OR') {
    const a = evaluatePolicy(l, env);
    if (op === 'AND' && !isNull(a) && !truthy(a)) return false;
    if (op === 'OR' && truthy(a)) return true;
    const b = evaluatePolicy(r, env);
    if (op === 'AND') return isNull(a) || isNull(b) ? (isNull(b) || truthy(b) ? null : false) : truthy(b);
    return truthy(b) ? true : isNull(a) || isNull(b) ? null : false;
  }
  const a = evaluatePolicy(l, env),
    b = evaluatePolicy(r, env);
  if (isNull(a) || isNull(b)) return null;
  switch (op) {
    case '||':
      return asText(a) + asText(b);
    case '+':
      return Number(a) + Number(b);
    case '-':
      return Number(a) - Number(b);
    case '*':
      return Number(a) * Number(b);
    case '/':
      return Number(a) / Number(b);
    case '=':
      return compare(a, b) === 0;
    case '<>':
      return compare(a, b) !== 0;
    case '<':
      return compare(a, b) < 0;
    case '>':
      return compare(a, b) > 0;
    case '<=':
      return compare(a, b) <= 0;
    case '>=':
      return compare(a, b) >= 0;
    default:
      throw new SnowflakeSqlError('002140', `SQL compilation error:\nUnknown operator ${op}`, '42601');
  }
}

function compare(a: Cell, b: Cell): number {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = Number(a),
      y = Number(b);
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  }
  const x = asText(a!),
    y = asText(b!);
  return x < y ? -1 : x > y ? 1 : 0;
}

function cast(v: Cell, type: string): Cell {
  if (isNull(v)) return null;
  if (/^(NUMBER|NUMERIC|DECIMAL|INT|INTEGER|BIGINT|SMALLINT|TINYINT|BYTEINT|FLOAT|DOUBLE|REAL)/.test(type)) {
    const n = Number(v);
    if (Number.isNaN(n))
      throw new SnowflakeSqlError('100038', `Numeric value '${asText(v)}' is not recognized`, '22018');
    return n;
  }
  if (type === 'DATE') return asText(v).slice(0, 10);
  if (type === 'BOOLEAN') return truthy(v);
  return asText(v);
}

function call(name: string, args: PolicyExpr[], env: EvalEnv): Cell {
  const arity = (n: number) => {
    if (args.length !== n)
      throw new SnowflakeSqlError(
        '002140',
        `SQL compilation error:\nInvalid number of arguments for function ${name}`,
        '42601',
      );
  };
  switch (name) {
    case 'CURRENT_USER':
      arity(0);
      return env.user;
    case 'CURRENT_ROLE':
      arity(0);
      return env.role;
    case 'IS_ACCOUNT_GROUP_MEMBER':
    case 'IS_MEMBER': {
      arity(1);
      const g = evaluatePolicy(args[0]!, env);
      return isNull(g) ? null : (env.groups?.has(asText(g)) ?? false);
    }
    case 'IS_ROLE_IN_SESSION': {
      arity(1);
      const r = evaluatePolicy(args[0]!, env);
      return isNull(r) ? null : env.rolesInSession.has(asText(r));
    }
    case 'COALESCE': {
      for (const a of args) {
        const v = evaluatePolicy(a, env);
        if (!isNull(v)) return v;
      }
      return null;
    }
    case 'IFF': {
      arity(3);
      return truthy(evaluatePolicy(args[0]!, env)) ? evaluatePolicy(args[1]!, env) : evaluatePolicy(args[2]!, env);
    }
  }
  const v = args.map((a) => evaluatePolicy(a, env));
  if (v.some(isNull)) return null;
  const s = (k: number) => asText(v[k]!);
  switch (name) {
    case 'REGEXP_REPLACE':
      return s(0).replace(new RegExp(s(1), 'g'), v.length > 2 ? s(2) : '');
    case 'LENGTH':
    case 'LEN':
      arity(1);
      return [...s(0)].length;
    case 'LEFT':
      arity(2);
      return [...s(0)].slice(0, Math.max(0, Number(v[1]))).join('');
    case 'RIGHT': {
      arity(2);
      const chars = [...s(0)];
      const n = Math.max(0, Number(v[1]));
      return n === 0 ? '' : chars.slice(-n).join('');
    }
    case 'TO_VARCHAR':
    case 'TO_CHAR':
      return s(0);
    case 'TO_NUMBER':
    case 'TO_DECIMAL':
      return cast(v[0]!, 'NUMBER');
    case 'UPPER':
      return s(0).toUpperCase();
    case 'LOWER':
      return s(0).toLowerCase();
    case 'CONCAT':
      return v.map((x) => asText(x!)).join('');
    case 'SHA2':
    case 'SHA2_HEX': {
      const bits = v.length > 1 ? Number(v[1]) : 256;
      return createHash(`sha${bits}`).update(s(0), 'utf8').digest('hex');
    }
    case 'TRUNC':
    case 'DATE_TRUNC': {
      arity(2);
      // Snowflake and Databricks write DATE_TRUNC('YEAR', d); Databricks' trunc takes (d, 'YEAR').
      const [part, value] = name === 'TRUNC' ? [s(1).toUpperCase(), s(0)] : [s(0).toUpperCase(), s(1)];
      if (part !== 'YEAR')
        throw new SnowflakeSqlError(
          '002043',
          `SQL compilation error:\nUnsupported feature 'DATE_TRUNC(${part}) (emulator)'.`,
          '0A000',
        );
      return value.length > 10 ? `${value.slice(0, 4)}-01-01 00:00:00.000` : `${value.slice(0, 4)}-01-01`;
    }
    default:
      throw new SnowflakeSqlError('002140', `SQL compilation error:\nUnknown function ${name}`, '42601');
  }
}
