import { foldedCodePoints } from '../policy/case-fold.js';
import { matchCodes, token } from '../policy/wildcard.js';

/**
 * Whole-value glob (`*`, `?`), case-insensitive: the form ignore lists are written in. Matched the way Ranger
 * patterns are (wildcard.ts: no RegExp, Java's case folding), but by code point: `?` is one character, an emoji
 * included. `*` and `?` match line breaks too, so a name carrying one cannot slip past an ignore list.
 */
export function globMatcher(patterns: readonly string[]): (value: string) => boolean {
  const compiled = patterns.map((p) => Int32Array.from(foldedCodePoints(p), token));
  // An empty list (IGNORE_OBJECTS' default) is asked about every grant of a sync: no folding for nothing to match.
  if (compiled.length === 0) return () => false;
  return (value) => {
    const text = foldedCodePoints(value);
    return compiled.some((p) => matchCodes(p, text));
  };
}
