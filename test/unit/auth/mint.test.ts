import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../shared/auth/errors.js';
import { type MintOptions, mintToken } from '../../../shared/auth/mint.js';
import { createVerifier } from '../../../shared/auth/verify.js';
import { CLAIMS, ecPair, rsaPair, SECRET } from './fixtures.js';

const rsa = rsaPair();
const ec = ecPair();

async function configError(opts: MintOptions): Promise<AuthError> {
  const error = await mintToken(opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe('CONFIG');
  return error as AuthError;
}

describe('mintToken', () => {
  it('signs HS256 with iat, exp = iat + ttl and the given iss, aud and sub', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const token = await mintToken({
      secret: SECRET,
      issuer: 'iss',
      audience: 'aud',
      subject: 'sub',
      ttlSeconds: 600,
      now,
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodeJwt(token)).toEqual({ iat: 1767225600, exp: 1767226200, iss: 'iss', aud: 'aud', sub: 'sub' });
  });

  it('defaults to a one-hour lifetime', async () => {
    const claims = decodeJwt(await mintToken({ secret: SECRET }));
    expect(claims.exp! - claims.iat!).toBe(3600);
  });

  it('signs RS256 with an RSA private key, and the matching verifier accepts it', async () => {
    const token = await mintToken({ ...CLAIMS, privateKeyPem: rsa.privateKey, subject: 'svc' });
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    await expect(createVerifier({ publicKey: rsa.publicKey, ...CLAIMS })(token)).resolves.toMatchObject({
      subject: 'svc',
    });
  });

  it('signs ES256 with an EC P-256 private key', async () => {
    const token = await mintToken({ privateKeyPem: ec.privateKey, alg: 'ES256' });
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
  });

  it('refuses an algorithm the key cannot sign', async () => {
    expect((await configError({ privateKeyPem: rsa.privateKey, alg: 'HS256' })).message).toBe(
      'a key of this type signs RS256, not HS256',
    );
    await configError({ secret: SECRET, alg: 'RS256' });
  });

  it('refuses a short secret', async () => {
    expect((await configError({ secret: 'too-short' })).message).toMatch(/needs at least 32/);
  });

  it('refuses both a secret and a private key, and neither', async () => {
    await configError({ secret: SECRET, privateKeyPem: rsa.privateKey });
    expect((await configError({})).message).toMatch(/set JWT_SECRET/);
  });

  it('refuses a public key given as the private key', async () => {
    expect((await configError({ privateKeyPem: rsa.publicKey })).message).toBe(
      'JWT_PRIVATE_KEY is not an unencrypted PEM private key',
    );
  });

  it.each([[0], [-5], [1.5], [Number.NaN]])('refuses a lifetime of %s seconds', async (ttlSeconds) => {
    await configError({ secret: SECRET, ttlSeconds });
  });
});
