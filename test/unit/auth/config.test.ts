import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../shared/auth/errors.js';
import type { AuthSettings } from '../../../shared/auth/settings.js';
import { createVerifier } from '../../../shared/auth/verify.js';
import { CLAIMS, ecPair, rsaPair, SECRET } from './fixtures.js';

const rsa = rsaPair();

function configError(settings: AuthSettings): AuthError {
  try {
    createVerifier(settings);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('CONFIG');
    return error as AuthError;
  }
  throw new Error('createVerifier accepted the settings');
}

describe('createVerifier settings', () => {
  it('refuses a secret shorter than 32 bytes, without echoing it', () => {
    const error = configError({ secret: 'short-secret-0123456789' });
    expect(error.message).toBe('JWT_SECRET is 23 bytes; HS256 needs at least 32 (try: openssl rand -base64 48)');
    expect(error.status).toBe(500);
  });

  it('counts the secret in UTF-8 bytes', () => {
    expect(() => createVerifier({ secret: 'é'.repeat(16) })).not.toThrow();
  });

  it('refuses no key source at all', () => {
    expect(configError({}).message).toMatch(/set one of JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL/);
  });

  it('treats blank settings as unset', () => {
    expect(() => createVerifier({ secret: SECRET, publicKey: '  ', jwksUrl: '' })).not.toThrow();
  });

  it('refuses two key sources at once', () => {
    expect(configError({ secret: SECRET, publicKey: rsa.publicKey }).message).toBe(
      'JWT_SECRET and JWT_PUBLIC_KEY are set together; configure exactly one JWT key source',
    );
  });

  it('refuses a PEM key configured as the HS256 secret', () => {
    expect(configError({ secret: rsa.publicKey }).message).toMatch(/holds a PEM key/);
  });

  it('refuses HS256 in the algorithm list of a public key', () => {
    expect(configError({ publicKey: rsa.publicKey, ...CLAIMS, algorithms: ['RS256', 'HS256'] }).message).toBe(
      'JWT algorithm HS256 cannot be used with the configured key, which allows only RS256',
    );
  });

  it('refuses none in the algorithm list of a secret', () => {
    configError({ secret: SECRET, algorithms: ['none'] });
  });

  it('refuses a private key configured as the public key', () => {
    expect(configError({ publicKey: rsa.privateKey }).message).toMatch(/holds a private key/);
  });

  it('refuses text that is not a PEM key', () => {
    expect(configError({ publicKey: 'not a key' }).message).toBe(
      'JWT_PUBLIC_KEY is not a PEM public key or certificate',
    );
  });

  it('refuses an RSA key below 2048 bits', () => {
    expect(configError({ publicKey: rsaPair(1024).publicKey }).message).toMatch(/1024-bit RSA key/);
  });

  it('refuses an EC key on a curve other than P-256', () => {
    expect(configError({ publicKey: ecPair('P-384').publicKey }).message).toMatch(/EC secp384r1 key/);
  });

  it('refuses a JWKS URL over plain http to a non-loopback host', () => {
    expect(configError({ jwksUrl: 'http://keys.example.com/jwks.json' }).message).toMatch(/must use https/);
  });

  it('refuses a JWKS URL that does not parse', () => {
    configError({ jwksUrl: 'not a url' });
  });

  it('accepts an https JWKS URL without fetching it', () => {
    expect(() => createVerifier({ jwksUrl: 'https://login.example.com/keys', ...CLAIMS })).not.toThrow();
  });

  it.each([
    ['a JWKS URL', { jwksUrl: 'https://login.example.com/keys' }, 'JWT_JWKS_URL'],
    ['a public key', { publicKey: rsa.publicKey }, 'JWT_PUBLIC_KEY'],
  ])('refuses %s without JWT_ISSUER and JWT_AUDIENCE, naming both', (_label, source, setting) => {
    expect(configError(source).message).toBe(
      `JWT_ISSUER, JWT_AUDIENCE: required with ${setting}; set both JWT_ISSUER and JWT_AUDIENCE ` +
        "(an identity provider signs tokens for every application it serves, and these two claims are what tell this service's tokens apart)",
    );
    expect(configError({ ...source, issuer: CLAIMS.issuer }).message).toMatch(
      /^JWT_AUDIENCE: required with .*set both JWT_ISSUER and JWT_AUDIENCE/,
    );
    expect(configError({ ...source, audience: ' ' }).message).toMatch(/^JWT_ISSUER, JWT_AUDIENCE: /);
    expect(() => createVerifier({ ...source, ...CLAIMS })).not.toThrow();
  });

  it('keeps issuer and audience optional with an HS256 secret, which belongs to this deployment alone', () => {
    expect(() => createVerifier({ secret: SECRET })).not.toThrow();
  });

  it.each([0, -60, 1.5, Number.NaN])('refuses a maximum token age of %s', (seconds) => {
    expect(configError({ secret: SECRET, maxTokenAgeSeconds: seconds }).message).toMatch(
      /^JWT_MAX_TOKEN_AGE must be a positive whole number of seconds/,
    );
  });
});
