import { SignJWT } from 'jose';
import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../shared/auth/errors.js';
import { mintToken } from '../../../shared/auth/mint.js';
import { createVerifier } from '../../../shared/auth/verify.js';
import { craftToken, ecPair, nowSeconds, rsaPair, SECRET } from './fixtures.js';

const rsa = rsaPair();
const ec = ecPair();

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('createVerifier with an HS256 secret', () => {
  const verify = createVerifier({ secret: SECRET, issuer: 'https://issuer.test', audience: 'policysync' });
  const mint = (extra: Parameters<typeof mintToken>[0] = {}) =>
    mintToken({ secret: SECRET, issuer: 'https://issuer.test', audience: 'policysync', subject: 'svc-a', ...extra });

  it('accepts a valid token and returns its subject and claims', async () => {
    const caller = await verify(`Bearer ${await mint()}`);
    expect(caller.subject).toBe('svc-a');
    expect(caller.claims).toMatchObject({ iss: 'https://issuer.test', aud: 'policysync', sub: 'svc-a' });
  });

  it('accepts the bare token without a scheme', async () => {
    expect((await verify(await mint())).subject).toBe('svc-a');
  });

  it('accepts a lower-case bearer scheme', async () => {
    expect((await verify(`bearer ${await mint()}`)).subject).toBe('svc-a');
  });

  it('reports a missing Authorization header as MISSING_TOKEN with a bare challenge', async () => {
    const error = await rejection(verify(undefined));
    expect(error.code).toBe('MISSING_TOKEN');
    expect(error.wwwAuthenticate()).toBe('Bearer realm="policysync"');
  });

  it('reports an expired token as EXPIRED', async () => {
    const token = await mint({ now: new Date(Date.now() - 2 * 3600_000), ttlSeconds: 3600 });
    const error = await rejection(verify(`Bearer ${token}`));
    expect(error.code).toBe('EXPIRED');
    expect(error.wwwAuthenticate()).toBe('Bearer realm="policysync", error="invalid_token", error_description="the token has expired"');
  });

  it('accepts a token that expired within the 30 s clock tolerance', async () => {
    const token = await mint({ now: new Date(Date.now() - 70_000), ttlSeconds: 60 });
    await expect(verify(token)).resolves.toMatchObject({ subject: 'svc-a' });
  });

  it('rejects a token without exp', async () => {
    const token = await new SignJWT({ sub: 'svc-a' }).setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://issuer.test').setAudience('policysync').setIssuedAt().sign(new TextEncoder().encode(SECRET));
    const error = await rejection(verify(token));
    expect(error.code).toBe('INVALID_TOKEN');
    expect(error.message).toMatch(/no expiry/);
  });

  it('rejects a token signed with another secret', async () => {
    const token = await mint({ secret: `${SECRET}-other` });
    const error = await rejection(verify(token));
    expect(error.code).toBe('INVALID_TOKEN');
    expect(error.message).toMatch(/signature/);
  });

  it('rejects a token from another issuer', async () => {
    const error = await rejection(verify(await mint({ issuer: 'https://evil.test' })));
    expect([error.code, error.message]).toEqual(['INVALID_TOKEN', expect.stringMatching(/issuer/)]);
  });

  it('rejects a token for another audience', async () => {
    const error = await rejection(verify(await mint({ audience: 'someone-else' })));
    expect([error.code, error.message]).toEqual(['INVALID_TOKEN', expect.stringMatching(/audience/)]);
  });

  it('rejects a token without iss when an issuer is configured', async () => {
    const error = await rejection(verify(await mint({ issuer: undefined })));
    expect(error.code).toBe('INVALID_TOKEN');
  });

  it('rejects an unsigned alg:none token', async () => {
    const token = craftToken({ alg: 'none', typ: 'JWT' },
      { sub: 'svc-a', iss: 'https://issuer.test', aud: 'policysync', exp: nowSeconds() + 600 });
    const error = await rejection(verify(`Bearer ${token}`));
    expect([error.code, error.message]).toEqual(['INVALID_TOKEN', expect.stringMatching(/accepted algorithm/)]);
  });

  it('rejects an RS256 token even when the verifier holds a secret', async () => {
    const token = await new SignJWT({ sub: 'svc-a' }).setProtectedHeader({ alg: 'RS256' })
      .setIssuer('https://issuer.test').setAudience('policysync').setExpirationTime('10m').sign(createPrivateKey(rsa.privateKey));
    expect((await rejection(verify(token))).code).toBe('INVALID_TOKEN');
  });

  it('rejects garbage as a malformed token', async () => {
    const error = await rejection(verify('Bearer not-a-jwt'));
    expect([error.code, error.message]).toEqual(['INVALID_TOKEN', 'the token is not a well-formed JWT']);
  });

  it('gives an empty subject for a valid token without sub', async () => {
    expect((await verify(await mint({ subject: undefined }))).subject).toBe('');
  });
});

describe('createVerifier with a PEM public key', () => {
  it('accepts a valid RS256 token', async () => {
    const verify = createVerifier({ publicKey: rsa.publicKey });
    const token = await mintToken({ privateKeyPem: rsa.privateKey, subject: 'svc-rsa' });
    expect((await verify(`Bearer ${token}`)).subject).toBe('svc-rsa');
  });

  it('accepts a valid ES256 token', async () => {
    const verify = createVerifier({ publicKey: ec.publicKey });
    const token = await mintToken({ privateKeyPem: ec.privateKey, subject: 'svc-ec' });
    expect((await verify(`Bearer ${token}`)).subject).toBe('svc-ec');
  });

  it('accepts a public key whose newlines arrive escaped as \\n, as app settings store them', async () => {
    const verify = createVerifier({ publicKey: rsa.publicKey.replace(/\n/g, '\\n') });
    expect((await verify(await mintToken({ privateKeyPem: rsa.privateKey, subject: 's' }))).subject).toBe('s');
  });

  it('rejects HS256 signed with the RSA public key PEM as the secret (algorithm confusion)', async () => {
    const verify = createVerifier({ publicKey: rsa.publicKey });
    const forged = await new SignJWT({ sub: 'attacker' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(rsa.publicKey));
    const error = await rejection(verify(`Bearer ${forged}`));
    expect(error.code).toBe('INVALID_TOKEN');
    expect(error.message).toBe('the token is not signed with an accepted algorithm (accepted: RS256)');
  });

  it('rejects an ES256 token against an RSA key', async () => {
    const verify = createVerifier({ publicKey: rsa.publicKey });
    const token = await mintToken({ privateKeyPem: ec.privateKey });
    expect((await rejection(verify(token))).code).toBe('INVALID_TOKEN');
  });

  it('rejects an RS256 token signed by another RSA key', async () => {
    const verify = createVerifier({ publicKey: rsa.publicKey });
    const token = await mintToken({ privateKeyPem: rsaPair().privateKey });
    const error = await rejection(verify(token));
    expect([error.code, error.message]).toEqual(['INVALID_TOKEN', 'the token signature is not valid for this service']);
  });

  it('rejects alg:none against a public key', async () => {
    const verify = createVerifier({ publicKey: ec.publicKey });
    const token = craftToken({ alg: 'none' }, { sub: 'x', exp: nowSeconds() + 600 });
    expect((await rejection(verify(token))).code).toBe('INVALID_TOKEN');
  });
});
