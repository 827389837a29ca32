import fc from 'fast-check';

/** Characters from every corner: scripts in both directions, marks, astral planes, what keys and URLs forbid. */
const character = fc.oneof(
  fc.constantFrom(
    '/',
    '\\',
    '#',
    '?',
    ':',
    '~',
    '%',
    "'",
    '+',
    '&',
    '=',
    '"',
    ' ',
    '.',
    '*',
    '\u200e',
    '\u200f',
    '\u202e',
    '\ufeff',
    '\ufffe',
    '\uffff',
  ),
  fc.integer({ min: 0x00, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCharCode(c)),
  fc.constantFrom(...'ABCxyz019_$@-'),
  fc.integer({ min: 0x05d0, max: 0x05ea }).map((c) => String.fromCharCode(c)), // Hebrew
  fc.integer({ min: 0x0627, max: 0x064a }).map((c) => String.fromCharCode(c)), // Arabic
  fc.integer({ min: 0x0300, max: 0x036f }).map((c) => String.fromCharCode(c)), // combining marks
  fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCharCode(c)), // CJK
  fc.integer({ min: 0x1f600, max: 0x1f64f }).map((c) => String.fromCodePoint(c)), // emoji
  fc.integer({ min: 0x10400, max: 0x1044f }).map((c) => String.fromCodePoint(c)), // Deseret (cased, astral)
  fc.integer({ min: 0x20000, max: 0x2a6df }).map((c) => String.fromCodePoint(c)), // CJK extension B
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), // unpaired surrogates
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

/**
 * A name as a warehouse could hold it: mostly 255 characters of any script (astral ones count once), and the shapes
 * at the edges: identifier characters only (short, 100, 101 and 255 long), empty, one character.
 */
export const hostileName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(character, { minLength: 255, maxLength: 255 }).map((cs) => cs.join('')) },
  { weight: 1, arbitrary: fc.array(character, { minLength: 0, maxLength: 8 }).map((cs) => cs.join('')) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(1, 20, 100, 101, 255)
      .chain((n) => fc.string({ unit: fc.constantFrom(...'ABCxyz019_$@-. '), minLength: n, maxLength: n })),
  },
);
