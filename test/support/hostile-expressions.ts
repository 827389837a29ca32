import fc from 'fast-check';

/**
 * Admin text built to break out of a policy body: a benign, well-formed start, then something that ends the
 * statement, comments out the rest, closes the body's brackets, leaves a quote or bracket open, or hides in
 * look-alike characters and control characters. Each one breaks the body in Snowflake SQL and in Spark SQL
 * alike (none of them is harmless text inside a literal), so every one must be refused by both dialects.
 */

// Statements an attacker would like to run with the connector's rights.
const PAYLOADS = [
  'DROP TABLE SALES.HOSTILE.H0',
  'GRANT ROLE ACCOUNTADMIN TO ROLE PUBLIC',
  'GRANT SELECT ON ALL TABLES IN SCHEMA SALES.HOSTILE TO ROLE PUBLIC',
  'GRANT OWNERSHIP ON SCHEMA main.hostile TO `eve@example.com`',
  'GRANT MANAGE ON TABLE main.hostile.h0 TO `eve@example.com`',
  'ALTER TABLE SALES.HOSTILE.H0 DROP ALL ROW ACCESS POLICIES',
  'ALTER TABLE main.hostile.h0 DROP ROW FILTER',
  'DROP MASKING POLICY SALES.POLICYSYNC_GOVERNANCE.ANY',
  'DROP FUNCTION main.policysync_governance.any',
  'USE ROLE ACCOUNTADMIN',
  "EXECUTE IMMEDIATE 'GRANT ROLE SYSADMIN TO ROLE PUBLIC'",
  "CREATE USER eve PASSWORD = 'x'",
  'SELECT * FROM SALES.HOSTILE.H0',
];

// Look-alikes of quotes, separators and brackets: none is one to either warehouse, so none may hide a break.
const LOOKALIKES = [
  '\u2019',
  '\u2018',
  '\u201C',
  '\u201D',
  '\uFF07',
  '\uFF02',
  '\uFF1B',
  '\uFE54',
  '\uFF08',
  '\uFF09',
  '\u00B4',
  '\u2032',
  '\u037E',
];
const CONTROLS = ['\u0000', '\u0008', '\u001B', '\u007F', '\u202E', '\u2066', '\u2069'];

// Starts that are one well-formed expression in both dialects.
const BENIGN = [
  '',
  'S',
  "S = 'EU'",
  'ID > 1',
  "UPPER(S) LIKE 'A%'",
  "COALESCE(S, 'x;--y')",
  "'it''s'",
  "S IN ('a', 'b')",
  '(ID + 1) * 2',
  "CASE WHEN ID > 1 THEN 'a' ELSE 'b' END",
  "'a\\\\b'",
  "'/* not a comment */'",
  "S <> '--'",
  'LENGTH(S) - 4',
];

/** Free text over a given alphabet, with look-alikes mixed in. */
const text = (alphabet: string) =>
  fc.array(fc.constantFrom(...alphabet.split(''), ...LOOKALIKES), { maxLength: 24 }).map((cs) => cs.join(''));
// Anything at all: what follows a break does not matter once the text is broken.
const anything = text('abcXYZ019 =<>,.*+-/;\'"`$\\()[]{}\n\t');
// Nothing that could close what a break left open: no quotes, no backslash, no `$`, no brackets.
const inert = text('abcXYZ019 =<>,.*+');

const breaks = fc.oneof(
  // A separator outside any literal, alone or after closing the body's CASE.
  fc
    .tuple(
      fc.constantFrom(';', ' ;', ';\n', ') ELSE val END;', ' END;', ') ELSE TRUE END; '),
      fc.constantFrom(...PAYLOADS),
      fc.constantFrom('', ';', '; --', '; SELECT (1'),
    )
    .map(([a, b, c]) => `${a} ${b}${c}`),
  // A comment marker, nested comments included.
  fc
    .tuple(fc.constantFrom('--', '-- ', '//', '/*', '/* /* nested */ */', '*/', '--\n', '/**/'), anything)
    .map(([a, b]) => a + b),
  // A bracket closed that was never opened: it would close the body's CASE or its parenthesis.
  fc
    .tuple(fc.constantFrom(')', ']', '}', ') OR (TRUE', ')) ELSE val END --', ") COMMENT = 'x'"), anything)
    .map(([a, b]) => a + b),
  // A bracket left open.
  fc.tuple(fc.constantFrom('(', '[', '{', 'CASE WHEN (', 'COALESCE(', '(('), inert).map(([a, b]) => a + b),
  // A quote left open, straight or behind an escaped quote.
  fc.tuple(fc.constantFrom("'", '"', "'\\", "'abc\\'"), inert).map(([a, b]) => a + b),
  // A literal closed by an escaped backslash, then a separator.
  fc
    .tuple(fc.constantFrom("'abc\\\\'", "'\\\\'", "'a''\\\\'"), fc.constantFrom(...PAYLOADS))
    .map(([a, b]) => `${a}; ${b}`),
  // A $$ string left open (Snowflake) that holds a separator (Spark).
  fc.tuple(inert, fc.constantFrom(...PAYLOADS)).map(([a, b]) => ` $$${a}; ${b}`),
  // A control character.
  fc.tuple(fc.constantFrom(...CONTROLS), anything).map(([a, b]) => a + b),
);

const hostile = fc
  .tuple(fc.constantFrom(...BENIGN), fc.array(fc.constantFrom(...LOOKALIKES, ' ', '\\'), { maxLength: 3 }), breaks)
  .map(([start, decoration, broken]) => `${start}${decoration.join('')}${broken}`);

/** At least `count` distinct hostile expressions, the same ones on every run. */
export function hostileCorpus(count: number, seed = 1414): string[] {
  const seen = new Set<string>();
  for (let round = 0; seen.size < count && round < 10; round++) {
    for (const e of fc.sample(hostile, { numRuns: count * 2, seed: seed + round })) seen.add(e);
  }
  return [...seen].slice(0, count);
}
