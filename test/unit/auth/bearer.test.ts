import { describe, expect, it } from 'vitest';
import { bearerToken, MAX_TOKEN_LENGTH } from '../../../shared/auth/bearer.js';
import type { AuthError } from '../../../shared/auth/errors.js';

function codeOf(header: string | undefined | null): string {
  try {
    bearerToken(header);
    return 'OK';
  } catch (error) {
    return (error as AuthError).code;
  }
}

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['BEARER   abc.def.ghi  ', 'abc.def.ghi'],
    ['abc.def.ghi', 'abc.def.ghi'],
    ['  abc.def.ghi\t', 'abc.def.ghi'],
  ])('takes the token from %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([[undefined], [null], [''], ['   '], ['Bearer'], ['bearer   ']])(
    'reports %j as a missing token',
    (header) => {
      expect(codeOf(header)).toBe('MISSING_TOKEN');
    },
  );

  it.each([['Basic dXNlcjpwYXNz'], ['Bearer a b'], ['Token abc']])(
    'refuses the header %j as an invalid token',
    (header) => {
      expect(codeOf(header)).toBe('INVALID_TOKEN');
    },
  );

  it('refuses a token longer than the limit before any parsing', () => {
    expect(codeOf(`Bearer ${'a'.repeat(MAX_TOKEN_LENGTH + 1)}`)).toBe('INVALID_TOKEN');
  });
});
