/**
 * Whether admin text — a Ranger row-filter expression or custom mask expression — stays one expression once it
 * sits inside a policy body. It must close every quote it opens, close every bracket it opens in order and no
 * bracket it did not open (a stray `)` would close the body's CASE early), hold no statement separator and no
 * comment marker outside a quoted token, and no control character. A dialect describes its quoted tokens in a
 * `Lexicon`.
 *
 * The text is read twice, with and without backslash escapes in string literals, and must be well-formed both
 * ways: parsers disagree about `\'` (Spark's `spark.sql.parser.escapedStringLiterals`, raw strings, ANSI
 * double-quoted identifiers), and text whose meaning hangs on that is refused rather than guessed at.
 */
export interface Lexicon {
  /** Quoted tokens by opening character; `backslash` when a string literal there may take backslash escapes. */
  quotes: Record<string, { backslash: boolean }>;
  /** Characters a bare word (keyword, name, number) is made of. */
  word: RegExp;
  /** `$$ ... $$` is a string with no escapes (Snowflake). */
  dollarStrings: boolean;
  /** A quote right after a bare `r` or `R` opens a raw string, which takes no backslash escapes (Spark). */
  rawStrings: boolean;
}

// Every dialect's comment markers are refused in every dialect: none has a use inside one expression.
const COMMENT_MARKERS = ['--', '//', '/*', '*/'];
const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set(Object.values(OPENERS));
// C0 controls but tab, LF and CR; DEL; and the bidirectional controls that make text read differently from how it runs.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/u;

/** Null when `text` is one well-formed expression for the lexicon, else the reason a person can act on. */
export function checkExpression(text: string, lexicon: Lexicon): string | null {
  const control = CONTROL.exec(text);
  if (control)
    return `it contains the control character U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at offset ${control.index}`;
  return scan(text, lexicon, true) ?? scan(text, lexicon, false);
}

function scan(text: string, lexicon: Lexicon, backslashEscapes: boolean): string | null {
  const open: { char: string; at: number }[] = [];
  const when = backslashEscapes ? '' : ' when backslash escapes are off';
  let i = 0;
  let wordEnd = -1,
    lastWord = '';
  while (i < text.length) {
    const c = text[i]!;
    const marker = COMMENT_MARKERS.find((m) => text.startsWith(m, i));
    if (marker)
      return `"${marker}" at offset ${i} is a comment marker outside a quoted string${when}: it would comment out the rest of the policy`;
    if (c === ';') return `";" at offset ${i} is outside a quoted string${when}: it would end the statement`;
    if (lexicon.dollarStrings && text.startsWith('$$', i)) {
      const close = text.indexOf('$$', i + 2);
      if (close < 0) return `the $$ string opened at offset ${i} is never closed`;
      i = close + 2;
      continue;
    }
    const quote = lexicon.quotes[c];
    if (quote) {
      const raw = lexicon.rawStrings && wordEnd === i && /^[rR]$/.test(lastWord);
      const end = quotedEnd(text, i, backslashEscapes && quote.backslash && !raw);
      if (end < 0) return `the quote ${c} opened at offset ${i} is never closed${when}`;
      i = end;
      continue;
    }
    if (lexicon.word.test(c)) {
      const start = i;
      while (i < text.length && lexicon.word.test(text[i]!)) i++;
      lastWord = text.slice(start, i);
      wordEnd = i;
      // Snowflake reads `a$$b` as one name but `$$` at a token start as a string: the boundary is too fragile to trust.
      if (lexicon.dollarStrings && lastWord.includes('$$'))
        return `"$$" inside the word "${lastWord}" at offset ${start} makes it unclear where a $$ string starts`;
      continue;
    }
    if (OPENERS[c]) open.push({ char: c, at: i });
    else if (CLOSERS.has(c)) {
      const top = open.pop();
      if (!top)
        return `"${c}" at offset ${i} closes a bracket the expression did not open${when}: it would end the policy body early`;
      if (OPENERS[top.char] !== c)
        return `"${c}" at offset ${i} does not match "${top.char}" opened at offset ${top.at}${when}`;
    }
    i++;
  }
  const unclosed = open.pop();
  return unclosed ? `"${unclosed.char}" opened at offset ${unclosed.at} is never closed${when}` : null;
}

/** The offset just past the quoted token opened at `start`, or -1 when it never closes. A doubled quote continues it. */
function quotedEnd(text: string, start: number, backslash: boolean): number {
  const q = text[start]!;
  for (let j = start + 1; j < text.length; j++) {
    const ch = text[j]!;
    if (backslash && ch === '\\') {
      j++;
      continue;
    }
    if (ch !== q) continue;
    if (text[j + 1] === q) {
      j++;
      continue;
    }
    return j + 1;
  }
  return -1;
}
