import { foldCase } from './case-fold.js';
import { matchCodes, token, unitsOf } from './wildcard.js';

export interface MatchOptions {
  ignoreCase: boolean;
  wildcard: boolean;
}

/**
 * `wildcardMatches(pattern, value, opts)` as a function of the value alone: the pattern is folded, tokenised and
 * classified once, so a policy set evaluated against many names does no pattern work per name. Most patterns are a
 * plain name or a name with a `*` at one end, and those compare as strings; the rest go through matchCodes.
 *
 * Folding keeps every UTF-16 unit where it was (case-fold.ts), so comparing folded strings unit by unit is comparing
 * the folded units wildcardMatches compares; and a surrogate pair never spans a `*`, so splitting the folded pattern
 * at its stars splits nothing a fold would have joined.
 */
export function compileWildcard(pattern: string, opts: MatchOptions): (value: string) => boolean {
  const fold = opts.ignoreCase ? foldedText : (s: string) => s;
  const folded = opts.ignoreCase ? foldCase(pattern) : pattern;
  if (!opts.wildcard || !(folded.includes('*') || folded.includes('?'))) return (value) => fold(value) === folded;
  if (!folded.includes('?')) {
    // Counted, not trimmed by /^\*+|\*+$/: that RegExp takes quadratic time on a long run of stars.
    let start = 0,
      end = folded.length;
    while (start < end && folded[start] === '*') start++;
    while (end > start && folded[end - 1] === '*') end--;
    const literal = folded.slice(start, end);
    if (!literal.includes('*')) {
      const leading = start > 0,
        trailing = end < folded.length;
      if (leading && trailing) return (value) => fold(value).includes(literal);
      if (trailing) return (value) => fold(value).startsWith(literal);
      return (value) => fold(value).endsWith(literal);
    }
  }
  const tokens = Int32Array.from(unitsOf(folded), token);
  return (value) => matchCodes(tokens, unitsOf(fold(value)));
}

/**
 * The value folded, remembered for a while: evaluating one object matches its few names (database, schema, table)
 * against every pattern of the policy set, so each is folded once rather than once per pattern.
 */
export function foldedText(value: string): string {
  let folded = recentlyFolded.get(value);
  if (folded === undefined) {
    if (recentlyFolded.size >= RECENT) recentlyFolded.clear();
    folded = isAscii(value) ? value.toLowerCase() : foldCase(value);
    recentlyFolded.set(value, folded);
  }
  return folded;
}
const RECENT = 256;
const recentlyFolded = new Map<string, string>();

/** For ASCII, Java's simple case folding and toLowerCase agree: A-Z become a-z, nothing else changes. */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
