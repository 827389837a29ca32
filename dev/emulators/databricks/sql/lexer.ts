import { parseError } from '../errors.js';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'eof';
/** `text` is the token's value: a backquoted identifier or string literal unescaped, a word as written. */
export interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

const PUNCT = [
  '<>',
  '!=',
  '<=',
  '>=',
  '||',
  '::',
  '.',
  ',',
  '(',
  ')',
  ';',
  '=',
  '*',
  '<',
  '>',
  ':',
  '?',
  '+',
  '-',
  '/',
];

/** Splits Databricks SQL into tokens. Backquoted identifiers escape a backtick by doubling it. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
      continue;
    }
    if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw parseError(sql.slice(i, i + 10));
      i = end + 2;
      continue;
    }
    const start = i;
    if (ch === '`') {
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw parseError(sql.slice(start, start + 20));
        if (sql[i] === '`') {
          if (sql[i + 1] === '`') {
            text += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += sql[i++];
      }
      tokens.push({ kind: 'quoted', text, pos: start });
      continue;
    }
    if (ch === "'" || ch === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw parseError(sql.slice(start, start + 20));
        const c = sql[i]!;
        if (c === '\\' && i + 1 < sql.length) {
          text += sql[i + 1];
          i += 2;
          continue;
        }
        if (c === ch) {
          if (sql[i + 1] === ch) {
            text += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += c;
        i++;
      }
      tokens.push({ kind: 'string', text, pos: start });
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(sql.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], pos: start });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i))!;
      tokens.push({ kind: 'word', text: m[0], pos: start });
      i += m[0].length;
      continue;
    }
    const p = PUNCT.find((candidate) => sql.startsWith(candidate, i));
    if (!p) throw parseError(ch);
    tokens.push({ kind: 'punct', text: p, pos: start });
    i += p.length;
  }
  tokens.push({ kind: 'eof', text: '', pos: sql.length });
  return tokens;
}
