import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../shared/auth/errors.js';
import { mintToken } from '../../../shared/auth/mint.js';
import { createVerifier } from '../../../shared/auth/verify.js';
import { CLAIMS, craftToken, ecPair, nowSeconds, rsaPair, SECRET } from './fixtures.js';

const rsa = rsaPair();
const ec = ecPair();

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
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
    expect(error.wwwAuthenticate()).toBe(
      'Bearer realm="policysync", error="invalid_token", error_description="the token has expired"',
    );
  });

  it('accepts a token that expired within the 30 s clock tolerance', async () => {
    const token = await mint({ now: new Date(Date.now() - 70_000), ttlSeconds: 60 });
    await expect(verify(token)).resolves.toMatchObject({ subject: 'svc-a' });
  });

  it('rejects a token without exp', async () => {
    const token = await new SignJWT({ sub: 'svc-a' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://issuer.test')
      .setAudience('policysync')
      .setIssuedAt()
      .sign(new TextEncoder().encode(SECRET));
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
    const token = craftToken(
      { alg: 'none', typ: 'JWT' },
      { sub: 'svc-a', iss: 'https://issuer.test', aud: 'policysync', exp: nowSeconds() + 600 },
    );
    const error = await rejection(verify(`Bearer ${token}`));
    expect([error.code, error.message]).toEqual(['INVALID_TOKEN', expect.stringMatching(/accepted algorithm/)]);
  });

  it('rejects an RS256 token even when the verifier holds a secret', async () => {
    const token = await new SignJWT({ sub: 'svc-a' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer('https://issuer.test')
      .setAudience('policysync')
      .setExpirationTime('10m')
      .sign(createPrivateKey(rsa.privateKey));
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
    const verify = createVerifier({ publicKey: rsa.publicKey, ...CLAIMS });
    const token = await mintToken({ ...CLAIMS, privateKeyPem: rsa.privateKey, subject: 'svc-rsa' });
    expect((await verify(`Bearer ${token}`)).subject).toBe('svc-rsa');
  });

  it('accepts a valid ES256 token', async () => {
    const verify = createVerifier({ publicKey: ec.publicKey, ...CLAIMS });
    const token = await mintToken({ ...CLAIMS, privateKeyPem: ec.privateKey, subject: 'svc-ec' });
    expect((await verify(`Bearer ${token}`)).subject).toBe('svc-ec');
  });

  it('accepts a public key whose newlines arrive escaped as \\n, as app settings store them', async () => {
    const verify = createVerifier({ publicKey: rsa.publicKey.replace(/\n/g, '\\n'), ...CLAIMS });
    expect((await verify(await mintToken({ ...CLAIMS, privateKeyPem: rsa.privateKey, subject: 's' }))).subject).toBe(
      's',
    );
  });

  it('rejects HS256 signed with the RSA public key PEM as the secret (algorithm confusion)', async () => {
    const verify = createVerifier({ publicKey: rsa.publicKey, ...CLAIMS });
    const forged = await new SignJWT({ sub: 'attacker' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(rsa.publicKey));
    const error = await rejection(verify(`Bearer ${forged}`));
    expect(error.code).toBe('INVALID_TOKEN');
    expect(error.message).toBe('the token is not signed with an accepted algorithm (accepted: RS256)');
  });

  it('rejects an ES256 token against an RSA key', async () => {
    const verify = createVerifier({ publicKey: rsa.publicKey, ...CLAIMS });
    const token = await mintToken({ ...CLAIMS, privateKeyPem: ec.privateKey });
    expect((await rejection(verify(token))).code).toBe('INVALID_TOKEN');
  });

  it('rejects an RS256 token signed by another RSA key', async () => {
    const verify = createVerifier({ publicKey: rsa.publicKey, ...CLAIMS });
    const token = await mintToken({ privateKeyPem: rsaPair().privateKey });
    const error = await rejection(verify(token));
    expect([error.code, error.message]).toEqual(['INVALID_TOKEN', 'the token signature is not valid for this service']);
  });

  it('rejects alg:none against a public key', async () => {
    const verify = createVerifier({ publicKey: ec.publicKey, ...CLAIMS });
    const token = craftToken({ alg: 'none' }, { sub: 'x', exp: nowSeconds() + 600 });
    expect((await rejection(verify(token))).code).toBe('INVALID_TOKEN');
  });
});

describe('the maximum token lifetime (JWT_MAX_TOKEN_AGE)', () => {
  const key = new TextEncoder().encode(SECRET);
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ sub: 'svc-a', ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(key);

  it('accepts a token that lives exactly the default 24 hours, and refuses one that lives a second longer', async () => {
    const verify = createVerifier({ secret: SECRET });
    const iat = nowSeconds() - 60;
    await expect(verify(await sign({ iat, exp: iat + 86_400 }))).resolves.toMatchObject({ subject: 'svc-a' });
    const error = await rejection(verify(await sign({ iat, exp: iat + 86_401 })));
    expect([error.code, error.status, error.message]).toEqual([
      'INVALID_TOKEN',
      401,
      'the token lifetime (exp - iat) is 86401 s; this service accepts tokens that live at most 86400 s',
    ]);
  });

  it("refuses a year-long token minted by the service's own key", async () => {
    const token = await mintToken({ secret: SECRET, ttlSeconds: 365 * 86_400 });
    expect((await rejection(createVerifier({ secret: SECRET })(token))).code).toBe('INVALID_TOKEN');
  });

  it('applies a configured maximum', async () => {
    const verify = createVerifier({ secret: SECRET, maxTokenAgeSeconds: 3600 });
    await expect(verify(await mintToken({ secret: SECRET, ttlSeconds: 3600 }))).resolves.toBeDefined();
    expect((await rejection(verify(await mintToken({ secret: SECRET, ttlSeconds: 3601 })))).message).toMatch(
      /at most 3600 s/,
    );
  });

  it('refuses a token without iat, which cannot show how long it lives', async () => {
    const error = await rejection(createVerifier({ secret: SECRET })(await sign({ exp: nowSeconds() + 600 })));
    expect([error.code, error.message]).toEqual([
      'INVALID_TOKEN',
      'the token has no issue time (iat claim); it is needed to check the token lifetime',
    ]);
  });

  it('refuses a token issued in the future, whose short exp - iat would hide a long validity from now', async () => {
    const iat = nowSeconds() + 30 * 86_400;
    const error = await rejection(createVerifier({ secret: SECRET })(await sign({ iat, exp: iat + 3600 })));
    expect([error.code, error.message]).toEqual(['INVALID_TOKEN', 'the token issue time (iat claim) is in the future']);
  });

  it('accepts an iat up to the 30 s clock tolerance ahead', async () => {
    const iat = nowSeconds() + 20;
    await expect(createVerifier({ secret: SECRET })(await sign({ iat, exp: iat + 600 }))).resolves.toBeDefined();
  });

  it('refuses a non-numeric iat', async () => {
    const error = await rejection(
      createVerifier({ secret: SECRET })(await sign({ iat: 'yesterday', exp: nowSeconds() + 600 })),
    );
    expect([error.code, error.message]).toEqual(['INVALID_TOKEN', 'the token issue time (iat claim) is invalid']);
  });
});

describe('the required scope or role (JWT_REQUIRED_SCOPE)', () => {
  const verify = createVerifier({ publicKey: rsa.publicKey, ...CLAIMS, requiredScope: 'Task.Write' });
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ sub: 'svc-a', ...claims })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(CLAIMS.issuer)
      .setAudience(CLAIMS.audience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(createPrivateKey(rsa.privateKey));

  it.each([
    ['an Entra ID delegated token (scp, space-separated)', { scp: 'User.Read Task.Write' }],
    ['an OAuth token (scope, space-separated)', { scope: 'openid Task.Write profile' }],
    ['an Entra ID application token (roles)', { roles: ['Task.Read', 'Task.Write'] }],
    ['an issuer that sends scp as an array', { scp: ['Task.Write'] }],
  ])('accepts %s that grants it', async (_label, claims) => {
    await expect(verify(await sign(claims))).resolves.toMatchObject({ subject: 'svc-a' });
  });

  it.each([
    ['no scope claim at all', {}],
    ['other scopes only', { scp: 'User.Read Task.Read' }],
    ['the scope in another case', { scp: 'task.write' }],
    ['the scope as part of a longer name', { scope: 'Task.Write.All' }],
    ['the scope as one element of a role string with commas', { roles: 'Task.Read,Task.Write' }],
    ['the scope in an unrelated claim', { groups: ['Task.Write'], name: 'Task.Write' }],
  ])('refuses a token with %s: 403 INSUFFICIENT_SCOPE naming the scope in the challenge', async (_label, claims) => {
    const error = await rejection(verify(await sign(claims)));
    expect([error.code, error.status]).toEqual(['INSUFFICIENT_SCOPE', 403]);
    expect(error.wwwAuthenticate()).toBe(
      'Bearer realm="policysync", error="insufficient_scope", ' +
        'error_description="the token does not grant the scope or role this service requires (Task.Write)", scope="Task.Write"',
    );
  });

  it('checks the scope only after the signature: a forged token with the scope is a 401, not a pass', async () => {
    const forged = await new SignJWT({ scp: 'Task.Write' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(CLAIMS.issuer)
      .setAudience(CLAIMS.audience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(createPrivateKey(rsaPair().privateKey));
    expect((await rejection(verify(forged))).status).toBe(401);
  });
});
