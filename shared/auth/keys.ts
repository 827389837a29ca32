import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { AuthError } from './errors.js';

/** The algorithms this service signs and verifies with; everything else (`none` included) is refused. */
export type SigningAlgorithm = 'HS256' | 'RS256' | 'ES256';
export type AsymmetricAlgorithm = Exclude<SigningAlgorithm, 'HS256'>;

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output. */
export const MIN_SECRET_BYTES = 32;

/** The HS256 key: the secret's UTF-8 bytes, after refusing secrets too short or shaped like a PEM key. */
export function secretKey(secret: string, setting = 'JWT_SECRET'): Uint8Array<ArrayBuffer> {
  // A public key used as an HMAC secret lets anyone who has the public key forge tokens: the HS/RS confusion
  // attack, configured in by hand. Refuse it outright.
  if (secret.includes('-----BEGIN')) {
    throw new AuthError(
      'CONFIG',
      `${setting} holds a PEM key; an RSA or EC key belongs in JWT_PUBLIC_KEY / JWT_PRIVATE_KEY`,
    );
  }
  const bytes = new TextEncoder().encode(secret);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new AuthError(
      'CONFIG',
      `${setting} is ${bytes.length} bytes; HS256 needs at least ${MIN_SECRET_BYTES} (try: openssl rand -base64 48)`,
    );
  }
  return bytes;
}

/** A public key from PEM text. Accepts the `\n`-escaped single line that app settings often hold. */
export function publicKeyFromPem(pem: string, setting = 'JWT_PUBLIC_KEY'): KeyObject {
  const text = unescapeNewlines(pem);
  // createPublicKey would happily derive a public key from a private one; a private key has no business in
  // the verifier's settings, so say so instead of running with it.
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new AuthError('CONFIG', `${setting} holds a private key; configure the public key only`);
  }
  try {
    return createPublicKey(text);
  } catch (cause) {
    throw new AuthError('CONFIG', `${setting} is not a PEM public key or certificate`, { cause });
  }
}

/** A private key from PEM text (PKCS#8, PKCS#1 or SEC1), for minting. */
export function privateKeyFromPem(pem: string, setting = 'JWT_PRIVATE_KEY'): KeyObject {
  try {
    return createPrivateKey(unescapeNewlines(pem));
  } catch (cause) {
    throw new AuthError('CONFIG', `${setting} is not an unencrypted PEM private key`, { cause });
  }
}

/** The one algorithm a key can sign or verify with here: RS256 for RSA >= 2048 bits, ES256 for P-256. */
export function algorithmForKey(key: KeyObject, setting: string): AsymmetricAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    if ((details.modulusLength ?? 0) < 2048) {
      throw new AuthError(
        'CONFIG',
        `${setting} is a ${details.modulusLength}-bit RSA key; RS256 needs at least 2048 bits`,
      );
    }
    return 'RS256';
  }
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') return 'ES256';
  const type = key.asymmetricKeyType === 'ec' ? `EC ${details.namedCurve}` : key.asymmetricKeyType;
  throw new AuthError(
    'CONFIG',
    `${setting} is a ${type} key; only RSA (RS256) and EC P-256 (ES256) keys are supported`,
  );
}

function unescapeNewlines(pem: string): string {
  return pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
}
