import { parseError, unsupported } from '../errors.js';
import type { Condition, Literal, SecurableKeyword, SecurableRef, Statement } from './ast.js';
import { type Token, tokenize } from './lexer.js';

/** A cursor over tokens with the few moves a recursive-descent parser needs. */
class Cursor {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}
  peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }
  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'word' && t.text.toUpperCase() === word;
  }
  acceptWord(...words: string[]): boolean {
    if (!words.every((w, k) => this.isWord(w, k))) return false;
    this.i += words.length;
    return true;
  }
  expectWord(...words: string[]): void {
    if (!this.acceptWord(...words)) throw parseError(this.peek().text);
  }
  isPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === p;
  }
  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.i++;
    return true;
  }
  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw parseError(this.peek().text);
  }
  atEnd(): boolean {
    while (this.acceptPunct(';'));
    return this.peek().kind === 'eof';
  }
}

const isIdent = (t: Token) => t.kind === 'word' || t.kind === 'quoted';

function identifier(c: Cursor): string {
  const t = c.peek();
  if (!isIdent(t)) throw parseError(t.text);
  c.next();
  return t.text;
}

/** `a.b.c`, each part a word or a backquoted identifier. */
export function qualifiedName(c: Cursor): string[] {
  const parts = [identifier(c)];
  while (c.acceptPunct('.')) parts.push(identifier(c));
  return parts;
}

/** Parses a dotted name given as text, e.g. a seed's `main.sales.orders` or ``main.sales.`odd``name` ``. */
export function parseQualifiedName(text: string): string[] {
  const c = new Cursor(tokenize(text));
  const name = qualifiedName(c);
  if (!c.atEnd()) throw parseError(c.peek().text);
  return name;
}

function stringLiteral(c: Cursor): string {
  const t = c.next();
  if (t.kind !== 'string') throw parseError(t.text);
  return t.text;
}

/** `[LIKE] 'pattern'`, as SHOW commands take it. */
function optionalLike(c: Cursor): string | undefined {
  if (c.acceptWord('LIKE')) return stringLiteral(c);
  if (c.peek().kind === 'string') return stringLiteral(c);
  return undefined;
}

function optionalIn(c: Cursor): string[] | undefined {
  if (c.acceptWord('IN') || c.acceptWord('FROM')) return qualifiedName(c);
  return undefined;
}

const SECURABLE_WORDS: Record<string, SecurableKeyword> = {
  CATALOG: 'CATALOG',
  SCHEMA: 'SCHEMA',
  DATABASE: 'SCHEMA',
  TABLE: 'TABLE',
  VIEW: 'VIEW',
  FUNCTION: 'FUNCTION',
  VOLUME: 'VOLUME',
};
const UNMODELLED_SECURABLES = [
  'MODEL',
  'CONNECTION',
  'EXTERNAL',
  'STORAGE',
  'SHARE',
  'METASTORE',
  'RECIPIENT',
  'PROVIDER',
  'CLEAN',
  'SERVICE',
  'ANY',
];

/** `ON [CATALOG|SCHEMA|DATABASE|TABLE|VIEW|FUNCTION|VOLUME] name`; without a keyword the object is a table, as in Databricks. */
function securable(c: Cursor): SecurableRef {
  c.expectWord('ON');
  const t = c.peek();
  const word = t.kind === 'word' ? t.text.toUpperCase() : '';
  const keywordFollowedByName = isIdent(c.peek(1));
  if (keywordFollowedByName && SECURABLE_WORDS[word]) {
    c.next();
    return { type: SECURABLE_WORDS[word]!, name: qualifiedName(c) };
  }
  if (keywordFollowedByName && UNMODELLED_SECURABLES.includes(word)) throw unsupported(`grants on ${word} securables`);
  return { type: 'TABLE', name: qualifiedName(c) };
}

function principal(c: Cursor): string {
  const t = c.next();
  if (t.kind === 'quoted' || t.kind === 'word' || t.kind === 'string') return t.text;
  throw parseError(t.text);
}

/** `priv [, priv]...` where a privilege is one or more words (`USE CATALOG`, `ALL PRIVILEGES`). */
function privileges(c: Cursor): string[] {
  const list: string[] = [];
  do {
    const words: string[] = [];
    while (c.peek().kind === 'word' && !c.isWord('ON')) words.push(c.next().text);
    if (words.length === 0) throw parseError(c.peek().text);
    list.push(words.join(' '));
  } while (c.acceptPunct(','));
  return list;
}

function literal(c: Cursor): Literal {
  const t = c.next();
  if (t.kind === 'number') return { kind: 'literal', value: Number(t.text), text: t.text };
  if (t.kind === 'string') return { kind: 'literal', value: t.text, text: t.text };
  if (t.kind === 'word') {
    const upper = t.text.toUpperCase();
    if (upper === 'NULL') return { kind: 'literal', value: null, text: 'NULL' };
    if (upper === 'TRUE' || upper === 'FALSE')
      return { kind: 'literal', value: upper === 'TRUE', text: upper.toLowerCase() };
    if (['CURRENT_USER', 'CURRENT_CATALOG', 'CURRENT_SCHEMA', 'CURRENT_DATABASE', 'CURRENT_VERSION'].includes(upper)) {
      if (c.acceptPunct('(')) c.expectPunct(')');
      return { kind: 'call', name: upper, text: `${t.text.toLowerCase()}()` };
    }
  }
  throw parseError(t.text);
}

function conditionValue(c: Cursor): string | number {
  const t = c.next();
  if (t.kind === 'string') return t.text;
  if (t.kind === 'number') return Number(t.text);
  throw parseError(t.text);
}

/** `col = 'x' AND col IN ('a', 'b') AND col IS [NOT] NULL ...`: the filters the connectors use. */
function conditions(c: Cursor): Condition[] {
  const list: Condition[] = [];
  do {
    const parts = qualifiedName(c);
    const column = parts[parts.length - 1]!;
    if (c.acceptPunct('=')) list.push({ column, op: '=', values: [conditionValue(c)] });
    else if (c.acceptPunct('<>') || c.acceptPunct('!=')) list.push({ column, op: '<>', values: [conditionValue(c)] });
    else if (c.acceptPunct('<=')) list.push({ column, op: '<=', values: [conditionValue(c)] });
    else if (c.acceptPunct('>=')) list.push({ column, op: '>=', values: [conditionValue(c)] });
    else if (c.acceptPunct('<')) list.push({ column, op: '<', values: [conditionValue(c)] });
    else if (c.acceptPunct('>')) list.push({ column, op: '>', values: [conditionValue(c)] });
    else if (c.acceptWord('LIKE')) list.push({ column, op: 'like', values: [stringLiteral(c)] });
    else if (c.acceptWord('IS', 'NOT', 'NULL')) list.push({ column, op: 'is not null', values: [] });
    else if (c.acceptWord('IS', 'NULL')) list.push({ column, op: 'is null', values: [] });
    else {
      const negated = c.acceptWord('NOT');
      c.expectWord('IN');
      c.expectPunct('(');
      const values = [conditionValue(c)];
      while (c.acceptPunct(',')) values.push(conditionValue(c));
      c.expectPunct(')');
      list.push({ column, op: negated ? 'not in' : 'in', values });
    }
  } while (c.acceptWord('AND'));
  if (c.isWord('OR')) throw unsupported('OR in WHERE clauses (use IN)');
  return list;
}

function select(c: Cursor): Statement {
  const hasFrom = (() => {
    for (let k = 0; c.peek(k).kind !== 'eof'; k++) if (c.isWord('FROM', k)) return true;
    return false;
  })();
  if (!hasFrom) {
    const items: { expr: Literal; alias?: string }[] = [];
    do {
      const expr = literal(c);
      const alias = c.acceptWord('AS') || isIdent(c.peek()) ? identifier(c) : undefined;
      items.push(alias === undefined ? { expr } : { expr, alias });
    } while (c.acceptPunct(','));
    return { kind: 'select-values', items };
  }
  let columns: '*' | { name: string; alias?: string; count?: true }[];
  if (c.acceptPunct('*')) columns = '*';
  else {
    columns = [];
    do {
      // count(*): Spark names it `count(1)` unless aliased.
      const count = c.isWord('COUNT') && c.peek(1).kind === 'punct' && c.peek(1).text === '(';
      if (count) {
        c.next();
        c.expectPunct('(');
        c.expectPunct('*');
        c.expectPunct(')');
      }
      const parts = count ? ['count(1)'] : qualifiedName(c);
      const name = parts[parts.length - 1]!;
      const alias = c.acceptWord('AS') || (isIdent(c.peek()) && !c.isWord('FROM')) ? identifier(c) : undefined;
      columns.push({ name, ...(alias !== undefined ? { alias } : {}), ...(count ? { count: true as const } : {}) });
    } while (c.acceptPunct(','));
  }
  c.expectWord('FROM');
  const from = qualifiedName(c);
  if (isIdent(c.peek()) && !['WHERE', 'GROUP', 'ORDER', 'LIMIT'].some((w) => c.isWord(w))) {
    c.acceptWord('AS');
    identifier(c); // a table alias; qualified column references are matched by their last part
  }
  const where = c.acceptWord('WHERE') ? conditions(c) : [];
  const groupBy: string[] = [];
  if (c.acceptWord('GROUP', 'BY')) {
    do {
      const parts = qualifiedName(c);
      groupBy.push(parts[parts.length - 1]!);
    } while (c.acceptPunct(','));
  }
  const orderBy: { column: string; desc: boolean }[] = [];
  if (c.acceptWord('ORDER', 'BY')) {
    do {
      const parts = qualifiedName(c);
      const desc = c.acceptWord('DESC');
      if (!desc) c.acceptWord('ASC');
      orderBy.push({ column: parts[parts.length - 1]!, desc });
    } while (c.acceptPunct(','));
  }
  let limit: number | undefined;
  if (c.acceptWord('LIMIT')) {
    const t = c.next();
    if (t.kind !== 'number') throw parseError(t.text);
    limit = Number(t.text);
  }
  return {
    kind: 'select-from',
    columns,
    from,
    where,
    ...(groupBy.length > 0 ? { groupBy } : {}),
    orderBy,
    ...(limit !== undefined ? { limit } : {}),
  };
}

function show(c: Cursor): Statement {
  if (c.acceptWord('CATALOGS')) return withLike({ kind: 'show-catalogs' }, optionalLike(c));
  if (c.acceptWord('SCHEMAS') || c.acceptWord('DATABASES')) {
    const inName = optionalIn(c);
    if (inName && inName.length !== 1) throw parseError(inName.join('.'));
    const base: Statement = inName ? { kind: 'show-schemas', catalog: inName[0]! } : { kind: 'show-schemas' };
    return withLike(base, optionalLike(c));
  }
  for (const [word, kind] of [
    ['TABLES', 'show-tables'],
    ['VIEWS', 'show-views'],
    ['VOLUMES', 'show-volumes'],
  ] as const) {
    if (c.acceptWord(word)) {
      const schema = optionalIn(c);
      return withLike(schema ? { kind, schema } : { kind }, optionalLike(c));
    }
  }
  if (c.acceptWord('FUNCTIONS') || c.acceptWord('USER', 'FUNCTIONS')) {
    const schema = optionalIn(c);
    return withLike(schema ? { kind: 'show-functions', schema } : { kind: 'show-functions' }, optionalLike(c));
  }
  if (c.acceptWord('COLUMNS')) {
    if (!(c.acceptWord('IN') || c.acceptWord('FROM'))) throw parseError(c.peek().text);
    const table = qualifiedName(c);
    const schema = optionalIn(c);
    return schema ? { kind: 'show-columns', table, schema } : { kind: 'show-columns', table };
  }
  for (const [word, kind] of [
    ['USERS', 'show-users'],
    ['GROUPS', 'show-groups'],
  ] as const) {
    if (c.acceptWord(word)) return withLike({ kind }, optionalLike(c));
  }
  if (c.acceptWord('GRANTS') || c.acceptWord('GRANT')) {
    const who = c.isWord('ON') ? undefined : principal(c);
    const on = securable(c);
    return who === undefined ? { kind: 'show-grants', on } : { kind: 'show-grants', principal: who, on };
  }
  throw unsupported(`SHOW ${c.peek().text.toUpperCase()}`);
}

function withLike<S extends Statement>(statement: S, like: string | undefined): S {
  return like === undefined ? statement : { ...statement, like };
}

function describe(c: Cursor): Statement {
  if (c.acceptWord('CATALOG')) {
    const extended = c.acceptWord('EXTENDED');
    return { kind: 'describe-catalog', name: qualifiedName(c), extended };
  }
  if (c.acceptWord('SCHEMA') || c.acceptWord('DATABASE')) {
    const extended = c.acceptWord('EXTENDED');
    return { kind: 'describe-schema', name: qualifiedName(c), extended };
  }
  c.acceptWord('TABLE');
  const extended = c.acceptWord('EXTENDED') || c.acceptWord('FORMATTED');
  return { kind: 'describe-table', table: qualifiedName(c), extended };
}

/** Parses one statement (a trailing semicolon is allowed; a second statement is not). */
export function parseStatement(sql: string): Statement {
  const c = new Cursor(tokenize(sql));
  let statement: Statement;
  if (c.acceptWord('SELECT')) statement = select(c);
  else if (c.acceptWord('SHOW')) statement = show(c);
  else if (c.acceptWord('DESCRIBE') || c.acceptWord('DESC')) statement = describe(c);
  else if (c.acceptWord('GRANT')) {
    const privs = privileges(c);
    const on = securable(c);
    c.expectWord('TO');
    statement = { kind: 'grant', privileges: privs, on, principal: principal(c) };
  } else if (c.acceptWord('REVOKE')) {
    const privs = privileges(c);
    const on = securable(c);
    c.expectWord('FROM');
    statement = { kind: 'revoke', privileges: privs, on, principal: principal(c) };
  } else if (c.acceptWord('USE')) {
    if (c.acceptWord('CATALOG')) statement = { kind: 'use-catalog', name: identifier(c) };
    else {
      if (!c.acceptWord('SCHEMA')) c.acceptWord('DATABASE');
      statement = { kind: 'use-schema', name: qualifiedName(c) };
    }
  } else {
    const first = c.peek();
    if (first.kind === 'eof') throw parseError('');
    throw unsupported(`${first.text.toUpperCase()} statements`);
  }
  if (!c.atEnd()) throw parseError(c.peek().text);
  return statement;
}
