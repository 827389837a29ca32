/**
 * Snowflake identifier rules: unquoted identifiers are stored upper-case, quoted ones keep their case and
 * escape `"` as `""`. Resolution is an exact comparison of the stored forms, so `orders`, `ORDERS` and
 * `"ORDERS"` name one table while `"Orders"` names another.
 */

/** A bare identifier needs no quotes only when it looks like one Snowflake would have folded. */
const BARE = /^[A-Z_][A-Z0-9_$]*$/;

/** Quotes a stored name only when it would not survive unquoted (the form SHOW GRANTS and errors print). */
export function displayIdent(name: string): string {
  return BARE.test(name) ? name : quoteIdent(name);
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `SALES.PUBLIC."x"" y"`: each part quoted only where needed. */
export function displayPath(path: readonly string[]): string {
  return path.map(displayIdent).join('.');
}

/** The stored form of one identifier as written in SQL (`orders` -> `ORDERS`, `"Orders"` -> `Orders`). */
export function storedName(ident: { quoted: boolean; text: string }): string {
  return ident.quoted ? ident.text : ident.text.toUpperCase();
}
