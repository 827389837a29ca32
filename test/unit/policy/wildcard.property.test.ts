import fc from 'fast-check';
import { describe, it } from 'vitest';
import { backtrackingMatcher } from '../../../bench/matching.js';
import { globMatcher } from '../../../shared/plan/glob.js';
import { hasWildcard, wildcardMatches } from '../../../shared/policy/wildcard.js';

/*
 * The matcher against the RegExp translations it replaced, on short patterns and names (the RegExp backtracks, so
 * sizes stay small). The alphabet holds the characters both fold alike: ASCII, accented and Cyrillic letters, CJK,
 * RegExp metacharacters and an emoji. Where the two differ on purpose (Java's case folding: İ, ſ, ς, ẞ, the Kelvin
 * sign; line breaks and ? by code point in globs) wildcard.test.ts and glob.test.ts pin the new behaviour.
 */
const common = [
  'a',
  'A',
  'b',
  'B',
  'é',
  'É',
  'ж',
  'Ж',
  '中',
  '.',
  '-',
  '^',
  '$',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '|',
  '\\',
  '/',
  '+',
];
const value = (extra: string[]) => fc.string({ unit: fc.constantFrom(...common, ...extra), maxLength: 14 });
const pattern = (extra: string[]) =>
  fc.string({ unit: fc.constantFrom(...common, ...extra, '*', '?', '*', '?'), maxLength: 10 });
/** Patterns built from a name, so that matches are frequent and not only misses. */
const near = (extra: string[]) =>
  value(extra).chain((v) =>
    fc.tuple(
      fc
        .tuple(
          fc.array(fc.tuple(fc.nat({ max: v.length }), fc.constantFrom('*', '?', '')), { maxLength: 4 }),
          fc.boolean(),
        )
        .map(([edits, upper]) => {
          const p = edits.reduce((s, [at, w]) => s.slice(0, at) + w + s.slice(at + (w === '?' ? 1 : 0)), v);
          return upper ? p.toUpperCase() : p;
        }),
      fc.constant(v),
    ),
  );

describe('the matcher agrees with the RegExp it replaced', () => {
  const ranger = ['😀', '\n'];

  it('on Ranger patterns, for every combination of ignoreCase and wildcard', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.tuple(pattern(ranger), value(ranger)), near(ranger)),
        fc.boolean(),
        fc.boolean(),
        ([p, v], ignoreCase, wildcard) => {
          // wildcard.ts before: RegExp when wildcards are on and the pattern has one; toLowerCase equality otherwise.
          const before =
            wildcard && hasWildcard(p)
              ? backtrackingMatcher(p, ignoreCase).test(v)
              : ignoreCase
                ? p.toLowerCase() === v.toLowerCase()
                : p === v;
          return wildcardMatches(p, v, { ignoreCase, wildcard }) === before;
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('on IGNORE_* globs, for names without line breaks or characters outside the BMP', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(pattern([]), value([])), near([])), ([p, v]) => {
        // glob.ts before.
        const before = new RegExp(
          `^${p
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
          'i',
        ).test(v);
        return globMatcher([p])(v) === before;
      }),
      { numRuns: 3000 },
    );
  });
});
