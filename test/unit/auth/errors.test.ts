import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../shared/auth/errors.js';
import { mintToken } from '../../../shared/auth/mint.js';
import { createVerifier } from '../../../shared/auth/verify.js';
import { craftToken, nowSeconds, rsaPair, SECRET } from './fixtures.js';

const rsa = rsaPair();

describe('AuthError', () => {
  it('maps caller failures to 401, a missing scope to 403, configuration to 500 and an unreachable key set to 503', () => {
    expect(
      ['MISSING_TOKEN', 'INVALID_TOKEN', 'EXPIRED', 'INSUFFICIENT_SCOPE', 'CONFIG', 'KEY_UNAVAILABLE'].map(
        (code) => new AuthError(code as AuthError['code'], 'x').status,
      ),
    ).toEqual([401, 401, 401, 403, 500, 503]);
  });

  it('builds an RFC 6750 insufficient_scope challenge naming the scope, quoted safely', () => {
    expect(new AuthError('INSUFFICIENT_SCOPE', 'needs "x"', { requiredScope: 'api://a"b' }).wwwAuthenticate()).toBe(
      `Bearer realm="policysync", error="insufficient_scope", error_description="needs 'x'", scope="api://a'b"`,
    );
  });

  it('builds an RFC 6750 challenge with error and description for a rejected token', () => {
    expect(new AuthError('INVALID_TOKEN', 'the token signature is not valid for this service').wwwAuthenticate()).toBe(
      'Bearer realm="policysync", error="invalid_token", error_description="the token signature is not valid for this service"',
    );
  });

  it('keeps quotes, backslashes and control characters out of the challenge', () => {
    expect(new AuthError('INVALID_TOKEN', 'a "b" \\ c\nd').wwwAuthenticate('r"x')).toBe(
      `Bearer realm="r'x", error="invalid_token", error_description="a 'b' ' c'd"`,
    );
  });

  it('is an Error named AuthError', () => {
    const error = new AuthError('EXPIRED', 'the token has expired');
    expect([error instanceof Error, error.name, String(error)]).toEqual([
      true,
      'AuthError',
      'AuthError: the token has expired',
    ]);
  });
});

describe('what a rejection shows the caller', () => {
  const verify = createVerifier({ secret: SECRET, issuer: 'https://issuer.test', audience: 'policysync' });
  const mint = (extra: Parameters<typeof mintToken>[0] = {}) =>
    mintToken({ secret: SECRET, issuer: 'https://issuer.test', audience: 'policysync', subject: 'svc-a', ...extra });

  const cases: Array<[string, () => Promise<string>]> = [
    ['expired', () => mint({ now: new Date(Date.now() - 7200_000) })],
    ['wrong secret', () => mint({ secret: `${SECRET}!!` })],
    ['wrong issuer', () => mint({ issuer: 'https://evil.test/"injected' })],
    ['wrong audience', () => mint({ audience: 'other' })],
    [
      'no exp',
      () => new SignJWT({ sub: 'svc-a' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET)),
    ],
    ['alg none', async () => craftToken({ alg: 'none' }, { sub: 'svc-a', exp: nowSeconds() + 60 })],
    [
      'RS256 against a secret',
      () =>
        new SignJWT({ sub: 'svc-a' })
          .setProtectedHeader({ alg: 'RS256' })
          .setExpirationTime('1m')
          .sign(createPrivateKey(rsa.privateKey)),
    ],
    ['malformed', async () => 'eyJhbGciOiJIUzI1NiJ9.not-json.sig'],
  ];

  it.each(cases)(
    '%s: neither message nor challenge contains the token, its parts or the secret',
    async (_name, token) => {
      const jwt = await token();
      const error = await verify(`Bearer ${jwt}`).then(
        () => undefined,
        (e: unknown) => e as AuthError,
      );
      expect(error).toBeInstanceOf(AuthError);
      const shown = [error!.message, error!.wwwAuthenticate(), JSON.stringify(error), String(error)].join('\n');
      for (const part of [jwt, ...jwt.split('.').filter((p) => p.length > 8), SECRET, 'evil.test', 'svc-a']) {
        expect(shown).not.toContain(part);
      }
    },
  );
});
