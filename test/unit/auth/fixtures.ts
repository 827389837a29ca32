import { generateKeyPairSync } from 'node:crypto';

/** 40 bytes: long enough for HS256. A test value, never a deployment secret. */
export const SECRET = 'test-secret-0123456789-abcdefghijklmnopq';

/** A public key or JWKS is always configured with an issuer and audience; these are the tests' (mint options). */
export const CLAIMS = { issuer: 'https://issuer.test', audience: 'policysync' } as const;

export interface PemPair {
  publicKey: string;
  privateKey: string;
}

export function rsaPair(modulusLength = 2048): PemPair {
  return generateKeyPairSync('rsa', {
    modulusLength,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

export function ecPair(namedCurve = 'P-256'): PemPair {
  return generateKeyPairSync('ec', {
    namedCurve,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

export function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** A compact JWS assembled by hand, for tokens no honest library would sign. */
export function craftToken(header: object, payload: object, signature = ''): string {
  return `${base64url(header)}.${base64url(payload)}.${signature}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
