import { foldedUnits } from './case-fold.js';

/**
 * Wildcard matching without a regular expression. A pattern translated to a RegExp (`*` -> `.*`) backtracks: against
 * a 255-character name, `*a*a*a*b` takes over a second and every further `*a` about sixty times longer, and the name
 * is anyone's input. The glob libraries (picomatch, micromatch, minimatch, matcher, wildcard-match) compile to RegExp
 * as well and give `/`, brackets and braces meanings Ranger's patterns do not have, so the matcher is our own.
 *
 * Pattern and text are arrays of character codes; in a pattern ANY_RUN stands for `*` and ANY_ONE for `?`.
 */
export const ANY_RUN = -1;
export const ANY_ONE = -2;

/**
 * Whole-text match by the greedy two-pointer walk: on a mismatch only the latest `*` takes one more character and
 * the walk resumes behind it. Retrying an earlier `*` cannot help (whatever it could absorb the latest one can),
 * so no state is ever revisited and the work is at most about (n+1)·(m+1) comparisons; linear when stars are few.
 */
export function matchCodes(pattern: ArrayLike<number>, text: ArrayLike<number>): boolean {
  const m = pattern.length,
    n = text.length;
  let p = 0,
    t = 0,
    star = -1,
    resume = 0;
  while (t < n) {
    if (p < m) {
      const token = pattern[p]!;
      if (token === ANY_RUN) {
        star = p++;
        resume = t;
        continue;
      }
      if (token === ANY_ONE || token === text[t]) {
        p++;
        t++;
        continue;
      }
    }
    if (star < 0) return false;
    p = star + 1;
    t = ++resume;
  }
  while (p < m && pattern[p] === ANY_RUN) p++;
  return p === m;
}

/**
 * Ranger's RangerDefaultResourceMatcher compares whole values through commons-io `FilenameUtils.wildcardMatch`:
 * `*` matches any run of characters (also none), `?` exactly one, nothing else is special. A character is a Java
 * `char`, one UTF-16 unit, so `?` takes half of an emoji and `??` the whole of it. Case is ignored unless the
 * resource definition says otherwise, the way Java ignores it (case-fold.ts). commons-io documents that `*?` "does
 * not work properly" in its matcher (`*?a` misses `xxa`); policies mean the plain reading, which is the one kept.
 */
export function wildcardMatches(
  pattern: string,
  value: string,
  opts: { ignoreCase: boolean; wildcard: boolean },
): boolean {
  if (!opts.ignoreCase && !(opts.wildcard && hasWildcard(pattern))) return pattern === value;
  const units = opts.ignoreCase ? foldedUnits : unitsOf;
  return matchCodes(Int32Array.from(units(pattern), opts.wildcard ? token : (code) => code), units(value));
}

export function unitsOf(s: string): Uint16Array {
  const out = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The pattern token for one character code: `*` and `?` are wildcards, anything else stands for itself. */
export function token(code: number): number {
  return code === 0x2a ? ANY_RUN : code === 0x3f ? ANY_ONE : code;
}

export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

/** `*` alone (or an empty value, which Ranger treats alike) matches every name. */
export function isMatchAll(value: string): boolean {
  return value === '*' || value === '';
}
