import { createPrivateKey, createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../../shared/auth/errors.js';
import { createVerifier } from '../../../shared/auth/verify.js';
import { CLAIMS, ecPair, rsaPair, SECRET } from './fixtures.js';

const rsa = rsaPair();
const ec = ecPair();

/** A JWKS endpoint on a loopback port that counts its requests and can be told to fail. */
let server: Server;
let jwksUrl: string;
let requests = 0;
let failWith: number | undefined;

beforeAll(async () => {
  const keys: JWK[] = [
    { ...(await exportJWK(createPublicKey(rsa.publicKey))), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(createPublicKey(ec.publicKey))), kid: 'ec-1', alg: 'ES256', use: 'sig' },
  ];
  server = createServer((_request, response) => {
    requests += 1;
    if (failWith !== undefined) {
      response.writeHead(failWith).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  requests = 0;
  failWith = undefined;
});

function sign(kid: string, alg: 'RS256' | 'ES256', pem: string, expiresIn = '10m'): Promise<string> {
  return new SignJWT({ sub: `svc-${kid}` })
    .setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setIssuer(CLAIMS.issuer)
    .setAudience(CLAIMS.audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(createPrivateKey(pem));
}

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('createVerifier with a JWKS URL', () => {
  it('accepts an RS256 token whose kid is in the set', async () => {
    const verify = createVerifier({ jwksUrl, ...CLAIMS });
    expect((await verify(`Bearer ${await sign('rsa-1', 'RS256', rsa.privateKey)}`)).subject).toBe('svc-rsa-1');
  });

  it('accepts an ES256 token whose kid is in the set', async () => {
    const verify = createVerifier({ jwksUrl, ...CLAIMS });
    expect((await verify(await sign('ec-1', 'ES256', ec.privateKey))).subject).toBe('svc-ec-1');
  });

  it('fetches the set once and serves later tokens from its cache', async () => {
    const verify = createVerifier({ jwksUrl, ...CLAIMS });
    await verify(await sign('rsa-1', 'RS256', rsa.privateKey));
    await verify(await sign('ec-1', 'ES256', ec.privateKey));
    await verify(await sign('rsa-1', 'RS256', rsa.privateKey));
    expect(requests).toBe(1);
  });

  it('does not fetch the set at construction', () => {
    createVerifier({ jwksUrl, ...CLAIMS });
    expect(requests).toBe(0);
  });

  it('rejects a token whose kid is not in the set', async () => {
    const verify = createVerifier({ jwksUrl, ...CLAIMS });
    const error = await rejection(verify(await sign('rsa-2', 'RS256', rsaPair().privateKey)));
    expect([error.code, error.message]).toEqual([
      'INVALID_TOKEN',
      'no signing key of this service matches the token (kid)',
    ]);
  });

  it('rejects a token signed by another key under a known kid', async () => {
    const verify = createVerifier({ jwksUrl, ...CLAIMS });
    const error = await rejection(verify(await sign('rsa-1', 'RS256', rsaPair().privateKey)));
    expect(error.code).toBe('INVALID_TOKEN');
  });

  it('rejects an HS256 token without fetching the set', async () => {
    const verify = createVerifier({ jwksUrl, ...CLAIMS });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(SECRET));
    expect((await rejection(verify(token))).code).toBe('INVALID_TOKEN');
    expect(requests).toBe(0);
  });

  it('narrows to the configured algorithms', async () => {
    const verify = createVerifier({ jwksUrl, ...CLAIMS, algorithms: ['ES256'] });
    expect((await rejection(verify(await sign('rsa-1', 'RS256', rsa.privateKey)))).code).toBe('INVALID_TOKEN');
  });

  it('reports an expired token as EXPIRED', async () => {
    const verify = createVerifier({ jwksUrl, ...CLAIMS });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setIssuer(CLAIMS.issuer)
      .setAudience(CLAIMS.audience)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 720)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
      .sign(createPrivateKey(rsa.privateKey));
    expect((await rejection(verify(token))).code).toBe('EXPIRED');
  });

  it('refuses access with KEY_UNAVAILABLE (503) when the set answers an error', async () => {
    failWith = 500;
    const verify = createVerifier({ jwksUrl, ...CLAIMS });
    const error = await rejection(verify(await sign('rsa-1', 'RS256', rsa.privateKey)));
    expect([error.code, error.status]).toEqual(['KEY_UNAVAILABLE', 503]);
    expect(error.wwwAuthenticate()).toBe('Bearer realm="policysync"');
  });

  it('refuses access with KEY_UNAVAILABLE when nothing listens at the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const verify = createVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks.json`, ...CLAIMS });
    expect((await rejection(verify(await sign('rsa-1', 'RS256', rsa.privateKey)))).code).toBe('KEY_UNAVAILABLE');
  });
});
