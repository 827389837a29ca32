import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { AuthError } from './errors.js';
import { algorithmForKey, privateKeyFromPem, type SigningAlgorithm, secretKey } from './keys.js';

export interface MintOptions {
  /** HS256 shared secret (>= 32 bytes); exactly one of `secret` and `privateKeyPem`. */
  secret?: string;
  /** PEM private key; RSA signs RS256, EC P-256 signs ES256. */
  privateKeyPem?: string;
  /** Defaults to the key's algorithm; naming another is a CONFIG error. */
  alg?: SigningAlgorithm;
  issuer?: string;
  audience?: string;
  subject?: string;
  /** Lifetime in seconds; default 3600. */
  ttlSeconds?: number;
  /** Issue time; default the current time. */
  now?: Date;
}

export const DEFAULT_TTL_SECONDS = 3600;

/** A signed JWT with `iat` and `exp` (always), and `iss`, `aud`, `sub` when given; header `typ: JWT`. */
export async function mintToken(opts: MintOptions): Promise<string> {
  const { key, alg } = signingKey(opts);
  const ttl = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0) {
    throw new AuthError('CONFIG', `token lifetime must be a positive whole number of seconds, not ${ttl}`);
  }
  const issuedAt = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttl);
  if (opts.issuer) jwt.setIssuer(opts.issuer);
  if (opts.audience) jwt.setAudience(opts.audience);
  if (opts.subject) jwt.setSubject(opts.subject);
  return jwt.sign(key);
}

function signingKey(opts: MintOptions): { key: Uint8Array | KeyObject; alg: SigningAlgorithm } {
  const hasSecret = Boolean(opts.secret?.trim()),
    hasPrivateKey = Boolean(opts.privateKeyPem?.trim());
  if (hasSecret === hasPrivateKey) {
    throw new AuthError(
      'CONFIG',
      hasSecret
        ? 'both a secret and a private key were given; mint with exactly one'
        : 'no signing key: set JWT_SECRET (HS256) or JWT_PRIVATE_KEY / JWT_PRIVATE_KEY_PATH (RS256, ES256)',
    );
  }
  let key: Uint8Array | KeyObject, alg: SigningAlgorithm;
  if (hasSecret) {
    key = secretKey(opts.secret!);
    alg = 'HS256';
  } else {
    const privateKey = privateKeyFromPem(opts.privateKeyPem!);
    key = privateKey;
    alg = algorithmForKey(privateKey, 'JWT_PRIVATE_KEY');
  }
  if (opts.alg !== undefined && opts.alg !== alg) {
    throw new AuthError('CONFIG', `a ${hasSecret ? 'secret' : 'key of this type'} signs ${alg}, not ${opts.alg}`);
  }
  return { key, alg };
}
