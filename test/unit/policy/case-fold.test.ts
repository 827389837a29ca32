import { describe, expect, it } from 'vitest';
import { foldCase, foldCodePoint, foldedCodePoints, foldedUnits } from '../../../shared/policy/case-fold.js';

const same = (a: string, b: string) => foldCase(a) === foldCase(b);

describe('case folding as Java compares ignoring case', () => {
  it('takes the characters Java takes as one letter as one', () => {
    // Character.toLowerCase(Character.toUpperCase(c)), with Unicode's simple mappings.
    for (const [a, b] of [
      ['İ', 'i'],
      ['ı', 'I'],
      ['ſ', 'S'],
      ['\u212A', 'k'],
      ['\u212B', 'å'],
      ['ß', 'ẞ'],
      ['ς', 'Σ'],
      ['σ', 'Σ'],
      ['ǅ', 'ǆ'],
      ['ᾳ', 'ᾼ'],
      ['µ', 'μ'],
      ['𐐀', '𐐨'],
      ['Ж', 'ж'],
      ['É', 'é'],
    ] as const) {
      expect(same(a, b), `${a} ~ ${b}`).toBe(true);
    }
  });

  it('keeps apart what only the full (length-changing) mappings would join', () => {
    for (const [a, b] of [
      ['ß', 'SS'],
      ['ß', 'ss'],
      ['ﬁ', 'fi'],
      ['İ', 'i\u0307'],
      ['ŉ', 'ʼn'],
      ['i', 'j'],
    ] as const) {
      expect(same(a, b), `${a} !~ ${b}`).toBe(false);
    }
  });

  it('maps every code point to one code point of the same plane, so folding keeps each UTF-16 unit in place', () => {
    const offenders: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const folded = foldCodePoint(cp);
      if (folded > 0xffff !== cp > 0xffff || folded < 0 || folded > 0x10ffff) offenders.push(cp.toString(16));
    }
    expect(offenders).toEqual([]);
  });

  it('relies on U+0130 being the one character whose lower case is longer than one code point', () => {
    // simpleLower in case-fold.ts assumes this of the runtime's Unicode data; a newer version that adds one fails here.
    const longer: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      if ([...String.fromCodePoint(cp).toLowerCase()].length !== 1) longer.push(cp);
    }
    expect(longer).toEqual([0x130]);
  });

  it('folds a surrogate pair as one character and leaves a lone surrogate as it is', () => {
    expect([...foldedUnits('𐐀\ud800x')]).toEqual([0xd801, 0xdc28, 0xd800, 0x78]);
    expect([...foldedCodePoints('𐐀\ud800X')]).toEqual([0x10428, 0xd800, 0x78]);
    expect(foldCase('A\udc00😀Ω')).toBe('a\udc00😀ω');
  });
});
