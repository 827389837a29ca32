import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, parsePolicyExpression } from '../../../dev/emulators/snowflake/policy-expression.js';
import { databricksMaskingDialect } from '../../../shared/connectors/databricks/masking-dialect.js';
import type { TypeFamily } from '../../../shared/connectors/masking-port.js';
import { maskExpression } from '../../../shared/connectors/masking-sql.js';
import { snowflakeLiteral, snowflakeMaskingDialect } from '../../../shared/connectors/snowflake/masking-dialect.js';

const sf = snowflakeMaskingDialect({ userRoleTemplate: '{name}', case: 'upper' }, 'GOV');
const dbx = databricksMaskingDialect({ userRoleTemplate: '{name}@example.com', case: 'preserve' }, 'governance');

/** Renders the mask for Snowflake and evaluates it the way the emulator does at query time. */
function masked(type: string, family: TypeFamily, dataType: string, value: string | number | null, valueExpr?: string) {
  const sql = maskExpression(sf, { dataMaskType: type, ...(valueExpr ? { valueExpr } : {}) }, family, dataType, 'VAL');
  return evaluatePolicy(parsePolicyExpression(sql), {
    values: { VAL: value },
    role: 'R',
    rolesInSession: new Set(['R']),
    user: 'U',
  });
}

/** Hive's mask(): upper -> X, lower -> x, digit -> n, anything else as it is. */
const hiveMask = (s: string, u = 'X', l = 'x', d = 'n') =>
  s.replace(/[A-Z]/g, u).replace(/[a-z]/g, l).replace(/[0-9]/g, d);

describe('mask expressions with Hive semantics', () => {
  it.each([
    ['MASK', 'Abc-1234', 'Xxx-nnnn'],
    ['MASK_SHOW_LAST_4', '4111-2222-3333-4444', 'xxxx-xxxx-xxxx-4444'],
    ['MASK_SHOW_FIRST_4', '4111-2222', '4111-xxxx'],
    ['MASK_SHOW_LAST_4', 'abcd', 'abcd'],
    ['MASK_SHOW_FIRST_4', 'ab', 'ab'],
    ['MASK_HASH', 'secret', createHash('sha256').update('secret').digest('hex')],
    ['MASK_NULL', 'secret', null],
    ['MASK_NONE', 'secret', 'secret'],
    ['MASK_DATE_SHOW_YEAR', 'Ab1', 'xxx'],
    ['CUSTOM', 'secret', 'SECRET'],
  ])('%s turns the string %s into %s', (type, value, expected) => {
    expect(masked(type, 'string', 'VARCHAR', value, 'UPPER({col})')).toBe(expected);
  });

  it.each([
    ['MASK', 1234567, 1111111],
    ['MASK', -42, -11],
    ['MASK_SHOW_LAST_4', 1234567, 1114567],
    ['MASK_SHOW_LAST_4', 1234, 1234],
    ['MASK_SHOW_FIRST_4', 1234567, 1234111],
    ['MASK_HASH', 5, null],
    ['MASK_NULL', 5, null],
    ['MASK_DATE_SHOW_YEAR', 987, 111],
  ])('%s turns the integer %s into %s', (type, value, expected) => {
    expect(masked(type, 'integer', 'NUMBER(38,0)', value)).toBe(expected);
  });

  it.each([
    ['MASK', '2021-06-15', '0001-01-01'],
    ['MASK_DATE_SHOW_YEAR', '2021-06-15', '2021-01-01'],
    ['MASK_SHOW_LAST_4', '2021-06-15', null],
    ['MASK_HASH', '2021-06-15', null],
    ['MASK_NONE', '2021-06-15', '2021-06-15'],
  ])('%s turns the date %s into %s', (type, value, expected) => {
    expect(masked(type, 'date', 'DATE', value)).toBe(expected);
  });

  it('never leaves a decimal, a float or an unknown mask type clear', () => {
    expect(masked('MASK', 'decimal', 'NUMBER(12,2)', 12.5)).toBeNull();
    expect(masked('MASK_SHOW_LAST_4', 'float', 'FLOAT', 1.5)).toBeNull();
    expect(masked('MASK_SOMETHING_NEW', 'string', 'VARCHAR', 'x')).toBeNull();
  });

  it('keeps NULL as NULL for every mask type', () => {
    for (const type of ['MASK', 'MASK_SHOW_LAST_4', 'MASK_SHOW_FIRST_4', 'MASK_HASH', 'MASK_DATE_SHOW_YEAR']) {
      for (const [family, dataType] of [
        ['string', 'VARCHAR'],
        ['integer', 'NUMBER'],
        ['date', 'DATE'],
      ] as const) {
        expect(masked(type, family, dataType, null), `${type} ${family}`).toBeNull();
      }
    }
  });

  it('escapes principal names and literals for each warehouse', () => {
    expect(snowflakeLiteral("O'Brien\\x")).toBe("'O''Brien\\\\x'");
    expect(sf.principalCondition('role', "it's")).toBe("IS_ROLE_IN_SESSION('IT''S')");
    expect(sf.principalCondition('user', 'bob')).toBe("CURRENT_USER() = 'BOB'");
    expect(dbx.principalCondition('group', "o'k")).toBe("is_account_group_member('o\\'k')");
    expect(dbx.principalCondition('user', 'bob')).toBe("current_user() = 'bob@example.com'");
  });
});

describe('mask expressions, for any value', () => {
  const text = fc.string({ unit: fc.constantFrom(...'aZ09-_ .Xx@é'.split('')), maxLength: 24 });

  it('MASK equals Hive mask() character by character', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(masked('MASK', 'string', 'VARCHAR', s)).toBe(hiveMask(s));
      }),
    );
  });

  it('SHOW_LAST_4 keeps the length and the last four characters and masks every letter and digit before them', () => {
    fc.assert(
      fc.property(text, (s) => {
        const out = String(masked('MASK_SHOW_LAST_4', 'string', 'VARCHAR', s));
        const chars = [...s];
        const expected =
          chars.length <= 4 ? s : hiveMask(chars.slice(0, -4).join(''), 'x', 'x', 'x') + chars.slice(-4).join('');
        expect(out).toBe(expected);
        expect([...out]).toHaveLength(chars.length);
      }),
    );
  });

  it('MASK on an integer keeps its sign and number of digits and turns every digit into 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (n) => {
        expect(String(masked('MASK', 'integer', 'NUMBER(38,0)', n))).toBe(String(n).replace(/[0-9]/g, '1'));
      }),
    );
  });
});
