/**
 * Identifier strictness. Two levels: what no warehouse identifier may be (empty, control characters, lone
 * surrogates), and Unity Catalog's own rules for catalogs, schemas and tables: at most 255 characters, no
 * period, space or forward slash. A name that breaks them cannot exist in the metastore, so a change record
 * carrying one is corrupt or forged, not a sync to attempt.
 */
export const MAX_UNITY_CATALOG_NAME_LENGTH = 255;

// \p{Cc} covers C0, DEL and C1. In a /u pattern a surrogate range only matches a lone surrogate (a pair is one
// code point): not text, and it would not survive a round trip to storage.
const NOT_TEXT = /[\p{Cc}\uD800-\uDFFF]/u;
const UNITY_CATALOG_FORBIDDEN = /[. /]/;

/** Why `part` cannot be an identifier in any warehouse, or undefined when it can. */
export function identifierProblem(part: string): string | undefined {
  if (part.length === 0) return 'is empty';
  const bad = NOT_TEXT.exec(part);
  return bad ? `contains ${describe(bad[0])}` : undefined;
}

/** Why `part` cannot be a Unity Catalog catalog, schema or table name, or undefined when it can. */
export function unityCatalogNameProblem(part: string): string | undefined {
  const general = identifierProblem(part);
  if (general !== undefined) return general;
  if (part.length > MAX_UNITY_CATALOG_NAME_LENGTH) return `is longer than ${MAX_UNITY_CATALOG_NAME_LENGTH} characters`;
  const bad = UNITY_CATALOG_FORBIDDEN.exec(part);
  return bad ? `contains ${describe(bad[0])}` : undefined;
}

function describe(char: string): string {
  if (char === '.') return 'a period';
  if (char === ' ') return 'a space';
  if (char === '/') return 'a forward slash';
  const code = char.codePointAt(0) ?? 0;
  if (code >= 0xd800 && code <= 0xdfff) return 'a lone surrogate';
  return `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
