import type { KeyObject } from 'node:crypto';
import {
  createRemoteJWKSet,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose';
import { bearerToken } from './bearer.js';
import { AuthError } from './errors.js';
import { algorithmForKey, publicKeyFromPem, type SigningAlgorithm, secretKey } from './keys.js';
import { grantsScope } from './scope.js';
import {
  type AuthSettings,
  CLOCK_TOLERANCE_SECONDS,
  DEFAULT_MAX_TOKEN_AGE_SECONDS,
  missingClaimSettings,
  missingClaimsMessage,
} from './settings.js';

/** Who called: the token's `sub` ('' when the token has none) and its verified claims. */
export interface VerifiedCaller {
  subject: string;
  claims: JWTPayload;
}

export type Verifier = (authorizationHeader: string | undefined | null) => Promise<VerifiedCaller>;

/** How long a JWKS fetch may take before the request is refused with KEY_UNAVAILABLE. */
export const JWKS_TIMEOUT_MS = 5_000;

/**
 * A verifier for one deployment's key. The key is imported (or the JWKS client created) once, here, so a
 * bad setting throws AuthError CONFIG at start-up rather than on the first request; the returned function
 * rejects with AuthError MISSING_TOKEN | INVALID_TOKEN | EXPIRED | INSUFFICIENT_SCOPE | KEY_UNAVAILABLE.
 *
 * Checks: signature with an algorithm the key type allows (HS256 for a secret, RS256 or ES256 for a public
 * key, so `none` and HS256-signed-with-the-public-key never verify); `exp` and `iat` present, `exp` not past,
 * `iat` not in the future and `exp - iat` within the maximum lifetime; `nbf` if present; `iss` and `aud` (always
 * configured for a public key or JWKS); each with CLOCK_TOLERANCE_SECONDS of leeway. Then the required scope or
 * role, if one is configured.
 */
export function createVerifier(settings: AuthSettings): Verifier {
  const source = keySource(settings);
  const missing = missingClaimSettings(settings);
  if (missing.length > 0) throw new AuthError('CONFIG', missingClaimsMessage(settings, missing));
  const algorithms = allowList(source.algorithms, settings.algorithms);
  const maxLifetime = maxTokenAge(settings.maxTokenAgeSeconds);
  const requiredScope = present(settings.requiredScope)?.trim();
  const issuer = present(settings.issuer),
    audience = present(settings.audience);
  const options: JWTVerifyOptions = {
    algorithms,
    requiredClaims: ['exp', 'iat'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(issuer !== undefined && { issuer }),
    ...(audience !== undefined && { audience }),
  };
  return async (authorizationHeader) => {
    const token = bearerToken(authorizationHeader);
    let payload: JWTPayload;
    try {
      ({ payload } = await verifyWithAnyKey(token, source.key, options));
    } catch (error) {
      throw authError(error, algorithms);
    }
    checkLifetime(payload, maxLifetime);
    if (requiredScope !== undefined && !grantsScope(payload, requiredScope)) {
      throw new AuthError(
        'INSUFFICIENT_SCOPE',
        `the token does not grant the scope or role this service requires (${requiredScope})`,
        { requiredScope },
      );
    }
    return { subject: typeof payload.sub === 'string' ? payload.sub : '', claims: payload };
  };
}

function maxTokenAge(seconds = DEFAULT_MAX_TOKEN_AGE_SECONDS): number {
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new AuthError('CONFIG', `JWT_MAX_TOKEN_AGE must be a positive whole number of seconds, not ${seconds}`);
  }
  return seconds;
}

/**
 * A token proves how long it lives by `exp - iat`, which is why `iat` is required: without it a stolen long-lived
 * token could not be told from a fresh one. An `iat` in the future is refused too, or a token "issued" next year with
 * an hour's lifetime would be good from now until then.
 */
function checkLifetime(payload: JWTPayload, maxSeconds: number): void {
  const iat = payload.iat!,
    exp = payload.exp!;
  if (iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS)
    throw new AuthError('INVALID_TOKEN', 'the token issue time (iat claim) is in the future');
  if (exp - iat > maxSeconds) {
    throw new AuthError(
      'INVALID_TOKEN',
      `the token lifetime (exp - iat) is ${exp - iat} s; this service accepts tokens that live at most ${maxSeconds} s`,
    );
  }
}

interface KeySource {
  key: Uint8Array | KeyObject | JWTVerifyGetKey;
  algorithms: SigningAlgorithm[];
}

function keySource(settings: AuthSettings): KeySource {
  const secret = present(settings.secret),
    publicKey = present(settings.publicKey),
    jwksUrl = present(settings.jwksUrl);
  const configured = [secret && 'JWT_SECRET', publicKey && 'JWT_PUBLIC_KEY', jwksUrl && 'JWT_JWKS_URL'].filter(Boolean);
  if (configured.length === 0) {
    throw new AuthError('CONFIG', 'no JWT key is configured: set one of JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL');
  }
  if (configured.length > 1) {
    throw new AuthError('CONFIG', `${configured.join(' and ')} are set together; configure exactly one JWT key source`);
  }
  if (secret !== undefined) return { key: importedOnce(secretKey(secret)), algorithms: ['HS256'] };
  if (publicKey !== undefined) {
    const key = publicKeyFromPem(publicKey);
    return { key, algorithms: [algorithmForKey(key, 'JWT_PUBLIC_KEY')] };
  }
  return { key: remoteKeySet(jwksUrl!), algorithms: ['RS256', 'ES256'] };
}

/**
 * The HS256 secret as a CryptoKey, imported on first use and kept: jose imports raw bytes again on every
 * verification, which cost half of each verification's CPU.
 */
function importedOnce(bytes: Uint8Array<ArrayBuffer>): JWTVerifyGetKey {
  let key: Promise<CryptoKey> | undefined;
  return () => (key ??= crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']));
}

function allowList(allowed: SigningAlgorithm[], requested: string[] | undefined): SigningAlgorithm[] {
  const wanted = (requested ?? []).map((alg) => alg.trim()).filter((alg) => alg !== '');
  if (wanted.length === 0) return allowed;
  const refused = wanted.filter((alg) => !(allowed as string[]).includes(alg));
  if (refused.length > 0) {
    throw new AuthError(
      'CONFIG',
      `JWT algorithm ${refused.join(', ')} cannot be used with the configured key, which allows only ${allowed.join(', ')}`,
    );
  }
  return [...new Set(wanted)] as SigningAlgorithm[];
}

function remoteKeySet(url: string): JWTVerifyGetKey {
  const jwks = createRemoteJWKSet(jwksEndpoint(url), { timeoutDuration: JWKS_TIMEOUT_MS });
  return async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      // No matching key is the token's problem (unknown kid); anything else means we could not get the keys.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new AuthError('KEY_UNAVAILABLE', 'the signing keys (JWKS) could not be fetched; try again later', {
        cause: error,
      });
    }
  };
}

function jwksEndpoint(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new AuthError('CONFIG', 'JWT_JWKS_URL is not a valid URL', { cause });
  }
  // Keys fetched over plain http can be swapped by anyone on the path; loopback is allowed for local tests.
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new AuthError('CONFIG', 'JWT_JWKS_URL must use https (plain http is accepted for localhost only)');
  }
  return parsed;
}

/** jose's documented answer to a JWKS with several keys and a token without `kid`: try each candidate. */
async function verifyWithAnyKey(token: string, key: KeySource['key'], options: JWTVerifyOptions) {
  try {
    return await jwtVerify(token, key, options);
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const candidate of error) {
      try {
        return await jwtVerify(token, candidate, options);
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/** A caller-safe AuthError for whatever verification threw; jose's own messages stay in `cause`. */
function authError(error: unknown, algorithms: SigningAlgorithm[]): AuthError {
  if (error instanceof AuthError) return error;
  const invalid = (message: string) => new AuthError('INVALID_TOKEN', message, { cause: error });
  if (error instanceof errors.JWTExpired) return new AuthError('EXPIRED', 'the token has expired', { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'exp':
        return invalid(
          error.reason === 'missing'
            ? 'the token has no expiry (exp claim); tokens must expire'
            : 'the token expiry (exp claim) is invalid',
        );
      case 'iat':
        return invalid(
          error.reason === 'missing'
            ? 'the token has no issue time (iat claim); it is needed to check the token lifetime'
            : 'the token issue time (iat claim) is invalid',
        );
      case 'iss':
        return invalid('the token issuer (iss claim) is not accepted by this service');
      case 'aud':
        return invalid('the token audience (aud claim) is not accepted by this service');
      case 'nbf':
        return invalid('the token is not valid yet (nbf claim)');
      default:
        return invalid(`the token ${error.claim} claim is invalid`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return invalid(`the token is not signed with an accepted algorithm (accepted: ${algorithms.join(', ')})`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return invalid('the token signature is not valid for this service');
  if (error instanceof errors.JWKSNoMatchingKey)
    return invalid('no signing key of this service matches the token (kid)');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return invalid('the token is not a well-formed JWT');
  return invalid('the token could not be verified');
}

/** A setting as given, or undefined when unset or blank; never trimmed, since a secret's spaces are its bytes. */
function present(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
