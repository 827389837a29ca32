import { syntaxError } from './sql-error.js';
import { type Token, tokenText } from './sql-lexer.js';

/**
 * A position in a token list that ends with an eof token, and the moves the policy parsers share. A failure is
 * Snowflake's syntax error at the token, quoting `source`, the text the tokens came from.
 */
export class TokenCursor {
  protected i = 0;
  constructor(
    protected readonly tokens: Token[],
    protected readonly source: string,
  ) {}

  peek(o = 0): Token {
    return this.tokens[Math.min(this.i + o, this.tokens.length - 1)]!;
  }
  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  fail(t: Token = this.peek()): never {
    throw syntaxError(this.source, t.start, tokenText(t));
  }
  isWord(w: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'word' && t.upper === w;
  }
  /** All the words, in order, or none of them. */
  accept(...words: string[]): boolean {
    if (!words.every((w, k) => this.isWord(w, k))) return false;
    this.i += words.length;
    return true;
  }
  expect(...words: string[]): void {
    if (!this.accept(...words)) this.fail();
  }
  isPunct(p: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'punct' && t.text === p;
  }
  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.i++;
    return true;
  }
  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) this.fail();
  }
  end(): void {
    if (this.peek().kind !== 'eof') this.fail();
  }

  /** A type as Snowflake writes it back: upper case, arguments without spaces (`NUMBER(38,2)`). */
  typeName(): string {
    const t = this.next();
    if (t.kind !== 'word') return this.fail(t);
    let type = t.upper;
    if (this.acceptPunct('(')) {
      const parts: string[] = [];
      do {
        const n = this.next();
        if (n.kind !== 'number') this.fail(n);
        parts.push(n.text);
      } while (this.acceptPunct(','));
      this.expectPunct(')');
      type += `(${parts.join(',')})`;
    }
    return type;
  }
}
