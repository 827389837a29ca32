import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countingReads } from '../../../bench/matching.js';
import { ANY_ONE, ANY_RUN, matchCodes, wildcardMatches } from '../../../shared/policy/wildcard.js';

const caseless = { ignoreCase: true, wildcard: true };
const exact = { ignoreCase: false, wildcard: true };

describe('Ranger wildcard matching', () => {
  it('treats only * and ? as special: the characters a RegExp would read are plain characters', () => {
    expect(wildcardMatches('(a|b)*', '(a|b)c', exact)).toBe(true);
    expect(wildcardMatches('(a|b)*', 'a', exact)).toBe(false);
    expect(wildcardMatches('[ab]^$.+\\{1}', '[ab]^$.+\\{1}', exact)).toBe(true);
    expect(wildcardMatches('a.b', 'axb', exact)).toBe(false);
    expect(wildcardMatches('*', 'line\nbreak', exact)).toBe(true);
  });

  it('reads * and ? literally when the resource definition turns wildcards off', () => {
    const literal = { ignoreCase: true, wildcard: false };
    expect(wildcardMatches('T*', 'TABLE', literal)).toBe(false);
    expect(wildcardMatches('T*', 't*', literal)).toBe(true);
    expect(wildcardMatches('T?', 'T1', literal)).toBe(false);
  });

  it('takes ? as one UTF-16 unit, as Java does: half of an emoji, and ?? the whole of it', () => {
    expect(wildcardMatches('?', '😀', exact)).toBe(false);
    expect(wildcardMatches('??', '😀', exact)).toBe(true);
    expect(wildcardMatches('a?', 'a\ud800', exact)).toBe(true);
  });

  it('ignores case the way Java does, with or without a wildcard in the pattern', () => {
    for (const [pattern, value] of [
      ['İ', 'i'],
      ['ſ', 's'],
      ['\u212A', 'K'],
      ['ς', 'σ'],
      ['ß', 'ẞ'],
      ['𐐀', '𐐨'],
    ] as const) {
      expect(wildcardMatches(pattern, value, caseless), `${pattern} ~ ${value}`).toBe(true);
      expect(wildcardMatches(`${pattern}*`, `${value}x`, caseless), `${pattern}* ~ ${value}x`).toBe(true);
    }
  });

  it('never takes a name of another length as equal, as toLowerCase would (İ -> i + U+0307)', () => {
    expect(wildcardMatches('İ', 'i\u0307', caseless)).toBe(false);
    expect(wildcardMatches('ß', 'SS', caseless)).toBe(false);
    expect(wildcardMatches('ß*', 'SS', caseless)).toBe(false);
  });
});

describe('the matcher loop', () => {
  const codes = (pattern: string) =>
    Int32Array.from(pattern, (c) => (c === '*' ? ANY_RUN : c === '?' ? ANY_ONE : c.charCodeAt(0)));
  const text = (value: string) => Uint16Array.from(value, (c) => c.charCodeAt(0));

  it('agrees with the definition: * takes any run, ? any one character, anything else itself', () => {
    const defined = (p: string, t: string): boolean =>
      p === ''
        ? t === ''
        : p[0] === '*'
          ? defined(p.slice(1), t) || (t !== '' && defined(p, t.slice(1)))
          : t !== '' && (p[0] === '?' || p[0] === t[0]) && defined(p.slice(1), t.slice(1));
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 10 }),
        (pattern, value) => matchCodes(codes(pattern), text(value)) === defined(pattern, value),
      ),
      { numRuns: 3000 },
    );
  });

  it('does at most (n+1)·(m+1) steps for any pattern and name: no backtracking', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 64 }),
        fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 255 }),
        (pattern, value) => {
          const c = countingReads(codes(pattern), text(value));
          matchCodes(c.pattern, c.text);
          const bound = (value.length + 1) * (pattern.length + 1);
          return c.reads.pattern <= bound + pattern.length && c.reads.text <= bound;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('stays within that bound on the patterns that make a RegExp backtrack', () => {
    const name = 'a'.repeat(255);
    for (const pattern of [`${'*a'.repeat(31)}*b`, `*${'a'.repeat(62)}b`, `*${'?'.repeat(62)}b`]) {
      const c = countingReads(codes(pattern), text(name));
      expect(matchCodes(c.pattern, c.text)).toBe(false);
      expect(c.reads.pattern).toBeLessThanOrEqual(256 * (pattern.length + 1) + pattern.length);
    }
  });
});
