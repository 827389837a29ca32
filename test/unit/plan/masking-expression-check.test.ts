import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize as sparkTokenize } from '../../../dev/emulators/databricks/sql/lexer.js';
import { tokenize as snowflakeTokenize, splitStatements } from '../../../dev/emulators/snowflake/sql-lexer.js';
import { databricksMaskingDialect } from '../../../shared/connectors/databricks/masking-dialect.js';
import { snowflakeMaskingDialect } from '../../../shared/connectors/snowflake/masking-dialect.js';
import { hostileCorpus } from '../../support/hostile-expressions.js';

const sf = snowflakeMaskingDialect({ userRoleTemplate: '{name}', case: 'upper' }, 'GOV');
const dbx = databricksMaskingDialect({ userRoleTemplate: '{name}', case: 'preserve' }, 'gov');

describe('checkExpression accepts one well-formed expression', () => {
  it.each([
    ["REGION = 'EU'"],
    ["S = 'a;b -- c /* d */ // e'"],
    ["S = 'it''s'"],
    ["REGEXP_REPLACE(val, '\\\\d', 'x')"],
    ["CASE WHEN (a > 1) THEN [1, 2][0] ELSE {'k': 1} END"],
    ['x -> x + 1'],
    ['a - -1 / 2 * 3'],
    ['dept IN (SELECT dept FROM gov.map WHERE usr = current_user())'],
  ])('in both dialects: %s', (text) => {
    expect(sf.checkExpression(text)).toBeNull();
    expect(dbx.checkExpression(text)).toBeNull();
  });

  it('takes Snowflake $$ strings and quoted names with doubled quotes', () => {
    expect(sf.checkExpression("S = $$a'; DROP TABLE t; --$$")).toBeNull();
    expect(sf.checkExpression('"we""ird;name" = 1')).toBeNull();
  });

  it('takes Spark double-quoted strings and backquoted names', () => {
    expect(dbx.checkExpression('s = "a\'; DROP TABLE t; --"')).toBeNull();
    expect(dbx.checkExpression('`we``ird;name` = 1')).toBeNull();
    expect(dbx.checkExpression("s rlike r'\\d+'")).toBeNull();
  });
});

describe('checkExpression refuses what would not stay one expression', () => {
  it.each([
    ['TRUE; DROP TABLE t', /";" at offset 4 .* would end the statement/],
    ['TRUE -- and the rest', /"--" at offset 5 is a comment marker/],
    ['TRUE // rest', /"\/\/" .* comment marker/],
    ['TRUE /* x */', /"\/\*" .* comment marker/],
    ['TRUE */', /"\*\/" .* comment marker/],
    ['TRUE) ELSE val END, (1', /"\)" at offset 4 closes a bracket the expression did not open/],
    ['(a = 1', /"\(" opened at offset 0 is never closed/],
    ['f(a]', /"]" at offset 3 does not match "\("/],
    ["S = 'open", /quote ' opened at offset 4 is never closed/],
    ["S = 'a\\'; DROP TABLE t; SELECT '", /";" .* when backslash escapes are off/],
    ["S = 'a\u0000'", /control character U\+0000/],
    ["S = '\u202Eevil'", /control character U\+202E/],
  ])('in both dialects: %j', (text, why) => {
    expect(sf.checkExpression(text)).toMatch(why);
    expect(dbx.checkExpression(text)).toMatch(why);
  });

  it('refuses an unclosed or ambiguous $$ in Snowflake, and reads $$ as no string in Spark', () => {
    expect(sf.checkExpression('$$ x')).toMatch(/\$\$ string opened at offset 0 is never closed/);
    expect(sf.checkExpression('a$$; DROP TABLE t; $$')).toMatch(/"\$\$" inside the word "a\$\$"/);
    expect(dbx.checkExpression('$$; DROP TABLE t; $$')).toMatch(/";" at offset 2/);
  });

  it('refuses an unclosed quoted name in either dialect', () => {
    expect(sf.checkExpression('"S = 1')).toMatch(/quote " opened/);
    expect(dbx.checkExpression('`s = 1')).toMatch(/quote ` opened/);
  });

  it(`refuses every expression of the hostile corpus in both dialects`, () => {
    const corpus = hostileCorpus(600);
    expect(corpus.length).toBe(600);
    const accepted = corpus.filter((e) => sf.checkExpression(e) === null || dbx.checkExpression(e) === null);
    expect(accepted).toEqual([]);
  });
});

// The characters that decide where a quoted token, a bracket or a statement ends, and a few letters.
const textArb = fc.string({ unit: fc.constantFrom(...`'"\`$\\;()[]{}-/* aSr1\n`.split('')), maxLength: 16 });

/** The depth of ( ) after each token; the wrapper's own parenthesis must be the only one to reach 0, at the end. */
function closesOnlyAtEnd(tokens: { kind: string; text?: string }[]): boolean {
  let depth = 0;
  return tokens.every((t, k) => {
    if (t.kind === 'punct' && t.text === '(') depth++;
    if (t.kind === 'punct' && t.text === ')') depth--;
    return k === tokens.length - 1 ? depth === 0 : depth > 0;
  });
}

/**
 * What the checker accepts stays one expression to each emulator's lexer (the model of the warehouse's): the
 * statement holding it is one statement, nothing after it is commented out, and the parenthesis around it
 * closes only at its end. Text the lexer cannot read at all is a syntax error, refused as a whole.
 */
describe('accepted text stays one expression to the emulators', () => {
  it('Snowflake: one statement, its COMMENT intact, the wrapper closing at the end', () => {
    fc.assert(
      fc.property(textArb, (t) => {
        if (sf.checkExpression(t) !== null) return;
        let statements, tokens;
        try {
          statements = splitStatements(
            `CREATE MASKING POLICY P AS (val VARCHAR) RETURNS VARCHAR -> CASE WHEN TRUE THEN (${t}) ELSE val END COMMENT = 'm'`,
          );
          tokens = snowflakeTokenize(`(${t})`);
        } catch {
          return;
        }
        expect(statements).toHaveLength(1);
        expect(statements[0]!.sql.endsWith("COMMENT = 'm'")).toBe(true);
        expect(closesOnlyAtEnd(tokens)).toBe(true);
      }),
      { numRuns: 4000 },
    );
  });

  it('Databricks: no separator token, the body ending where it was written, the wrapper closing at the end', () => {
    fc.assert(
      fc.property(textArb, (t) => {
        if (dbx.checkExpression(t) !== null) return;
        let tokens;
        try {
          tokens = sparkTokenize(`(${t}) ELSE val END`).filter((x) => x.kind !== 'eof');
        } catch {
          return;
        }
        expect(tokens.some((x) => x.kind === 'punct' && x.text === ';')).toBe(false);
        expect(tokens.slice(-3).map((x) => x.text)).toEqual(['ELSE', 'val', 'END']);
        expect(closesOnlyAtEnd(tokens.slice(0, -3))).toBe(true);
      }),
      { numRuns: 4000 },
    );
  });
});
