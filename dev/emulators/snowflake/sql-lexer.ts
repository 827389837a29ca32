import { syntaxError } from './sql-error.js';

export type Token =
  | { kind: 'word'; text: string; upper: string; start: number; end: number }
  | { kind: 'quoted'; text: string; start: number; end: number } // "identifier", "" unescaped
  | { kind: 'string'; text: string; start: number; end: number } // 'literal', unescaped
  | { kind: 'number'; text: string; start: number; end: number }
  | { kind: 'param'; index: number; start: number; end: number } // ? (numbered in order) or :N
  | { kind: 'punct'; text: string; start: number; end: number }
  | { kind: 'eof'; start: number; end: number };

/** One statement of a request: its tokens (ending in eof) and its exact source text for the log. */
export interface StatementSource {
  sql: string;
  tokens: Token[];
}

const WORD = /[A-Za-z_][A-Za-z0-9_$]*/y;
const NUMBER = /\d+(\.\d+)?([eE][+-]?\d+)?/y;
const PUNCT = ['<>', '!=', '<=', '>=', '||', '::', '.', ',', '(', ')', ';', '=', '<', '>', '*', '+', '-', '/'];
const STRING_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f' };

/**
 * Tokenizes a whole request. Quoted identifiers and strings are read to their closing quote here, so a `;`
 * or `--` inside a name (`"x""; DROP TABLE y; --"`) is part of the name and can never end a statement.
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let nextParam = 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (sql.startsWith('--', i) || sql.startsWith('//', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
      continue;
    }
    if (sql.startsWith('/*', i)) {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw syntaxError(sql, i, '<EOF>');
      i = close + 2;
      continue;
    }
    if (c === '"') {
      const { text, end } = readQuoted(sql, i, '"');
      tokens.push({ kind: 'quoted', text, start: i, end });
      i = end;
      continue;
    }
    if (sql.startsWith('$$', i)) {
      // Dollar-quoted string (EXECUTE IMMEDIATE $$ ... $$): no escapes, ends at the next $$.
      const close = sql.indexOf('$$', i + 2);
      if (close < 0) throw syntaxError(sql, sql.length, '<EOF>');
      tokens.push({ kind: 'string', text: sql.slice(i + 2, close), start: i, end: close + 2 });
      i = close + 2;
      continue;
    }
    if (c === "'") {
      const { text, end } = readQuoted(sql, i, "'");
      tokens.push({ kind: 'string', text, start: i, end });
      i = end;
      continue;
    }
    if (c === '?') {
      tokens.push({ kind: 'param', index: nextParam++, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === ':' && /\d/.test(sql[i + 1] ?? '')) {
      const m = /:(\d+)/y;
      m.lastIndex = i;
      const found = m.exec(sql)!;
      tokens.push({ kind: 'param', index: Number(found[1]), start: i, end: i + found[0].length });
      i += found[0].length;
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(sql);
    if (word) {
      tokens.push({ kind: 'word', text: word[0], upper: word[0].toUpperCase(), start: i, end: i + word[0].length });
      i += word[0].length;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(sql);
    if (num) {
      tokens.push({ kind: 'number', text: num[0], start: i, end: i + num[0].length });
      i += num[0].length;
      continue;
    }
    const punct = PUNCT.find((p) => sql.startsWith(p, i));
    if (!punct) throw syntaxError(sql, i, c);
    tokens.push({ kind: 'punct', text: punct, start: i, end: i + punct.length });
    i += punct.length;
  }
  return tokens;
}

/** Reads a quoted token; a doubled quote is one quote. String literals also take backslash escapes. */
function readQuoted(sql: string, start: number, quote: '"' | "'"): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === quote) {
      if (sql[i + 1] === quote) {
        text += quote;
        i += 2;
        continue;
      }
      return { text, end: i + 1 };
    }
    if (quote === "'" && c === '\\' && i + 1 < sql.length) {
      const n = sql[i + 1]!;
      text += STRING_ESCAPES[n] ?? n;
      i += 2;
      continue;
    }
    text += c;
    i++;
  }
  throw syntaxError(sql, sql.length, '<EOF>');
}

/**
 * Splits a request into statements on top-level `;` tokens; empty statements are dropped. A Snowflake Scripting
 * block (`BEGIN <stmt>; <stmt>; END`) is one statement: its inner `;` do not split it, and neither does the END
 * of a CASE inside it (a policy body's CASE ... END, a CASE ... END CASE statement).
 */
export function splitStatements(sql: string): StatementSource[] {
  return splitTokens(sql, tokenize(sql));
}

export function splitTokens(sql: string, tokens: readonly Token[]): StatementSource[] {
  const statements: StatementSource[] = [];
  let current: Token[] = [];
  const nesting = new BlockNesting();
  const flush = (): void => {
    if (current.length === 0) return;
    const first = current[0]!,
      last = current[current.length - 1]!;
    statements.push({
      sql: sql.slice(first.start, last.end),
      tokens: [...current, { kind: 'eof', start: last.end, end: last.end }],
    });
    current = [];
  };
  tokens.forEach((t, k) => {
    nesting.take(tokens, k, nesting.depth > 0 || (current.length === 0 && startsBlock(tokens[k + 1])));
    if (nesting.depth === 0 && t.kind === 'punct' && t.text === ';') flush();
    else current.push(t);
  });
  flush();
  return statements;
}

// An END followed by one of these closes that construct, not a block.
const ENDS_OTHER = ['IF', 'FOR', 'LOOP', 'WHILE', 'CASE', 'REPEAT'];

/**
 * BEGIN ... END nesting over a token list. Neither the END of a CASE (a policy body's CASE ... END, a
 * CASE ... END CASE statement) nor END IF / END LOOP and the like closes a block.
 */
export class BlockNesting {
  depth = 0;
  private cases = 0;

  /** Takes the token at `k`; `opens` says whether a BEGIN there opens a block (rather than a transaction). */
  take(tokens: readonly Token[], k: number, opens: boolean): void {
    const t = tokens[k],
      next = tokens[k + 1];
    if (isWord(t, 'BEGIN')) {
      if (opens) this.depth++;
      return;
    }
    if (this.depth === 0) return;
    if (isWord(t, 'CASE') && !isWord(tokens[k - 1], 'END')) {
      this.cases++;
      return;
    }
    if (!isWord(t, 'END')) return;
    const endsOther = next?.kind === 'word' && ENDS_OTHER.includes(next.upper);
    if (this.cases > 0 && (!endsOther || isWord(next, 'CASE'))) this.cases--;
    else if (!endsOther) this.depth--;
  }
}

function isWord(t: Token | undefined, word: string): boolean {
  return t?.kind === 'word' && t.upper === word;
}

/** BEGIN opens a block unless it starts a transaction (`BEGIN;`, `BEGIN TRANSACTION`, `BEGIN WORK`, `BEGIN NAME x`). */
export function startsBlock(next: Token | undefined): boolean {
  if (next === undefined || next.kind === 'eof') return false;
  if (next.kind === 'punct' && next.text === ';') return false;
  return !(next.kind === 'word' && ['TRANSACTION', 'WORK', 'NAME'].includes(next.upper));
}

/** How a token reads in a syntax error message. */
export function tokenText(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return '<EOF>';
    case 'param':
      return '?';
    case 'quoted':
      return `"${t.text}"`;
    case 'string':
      return `'${t.text}'`;
    default:
      return t.text;
  }
}
