/**
 * The auth part of the service configuration. The config module fills it from JWT_SECRET, JWT_PUBLIC_KEY,
 * JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE, JWT_MAX_TOKEN_AGE and JWT_REQUIRED_SCOPE; this module knows nothing of
 * the environment.
 *
 * Exactly one key source: `secret` (HS256), `publicKey` (RS256 or ES256, from the key type) or `jwksUrl`
 * (RS256 and ES256). Empty strings count as unset, so an app setting that exists but is blank changes nothing.
 */
export interface AuthSettings {
  /** HS256 shared secret, used as its UTF-8 bytes; at least 32 bytes. */
  secret?: string;
  /** PEM public key (SPKI `BEGIN PUBLIC KEY`, PKCS#1 `BEGIN RSA PUBLIC KEY` or an X.509 certificate). */
  publicKey?: string;
  /** JSON Web Key Set URL; https, or http on a loopback host only. */
  jwksUrl?: string;
  /** The token's `iss` must equal it. Required with `publicKey` and `jwksUrl` (see `missingClaimSettings`). */
  issuer?: string;
  /** The token's `aud` must contain it. Required with `publicKey` and `jwksUrl`. */
  audience?: string;
  /** Narrows the algorithms the key source allows; naming one the key cannot verify is a CONFIG error. */
  algorithms?: string[];
  /** The longest lifetime (`exp` - `iat`) a token may have, in seconds; default DEFAULT_MAX_TOKEN_AGE_SECONDS. */
  maxTokenAgeSeconds?: number;
  /** When set, the token must grant this value in `scp`, `scope` or `roles` (see scope.ts). */
  requiredScope?: string;
}

/** The realm named in `WWW-Authenticate` challenges. */
export const AUTH_REALM = 'policysync';

/**
 * Leeway for `exp`, `nbf` and `iat`: clocks of the issuer and of a Functions worker drift by seconds, and a token
 * rejected for a two-second skew is an outage nobody can explain. Thirty seconds is far below any sane TTL.
 */
export const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * A day: above the lifetime of an Entra ID access token (60 to 90 minutes) or a development token, far below the
 * year-long tokens some issuers can be talked into signing, which would make a leaked token a standing credential.
 */
export const DEFAULT_MAX_TOKEN_AGE_SECONDS = 24 * 3600;

/**
 * The claim settings a key source needs but lacks. An identity provider's keys (a JWKS, or its public key) sign
 * tokens for every application it serves: without the issuer and this API's audience, a token the same provider
 * issued to any other application would be accepted here. An HS256 secret belongs to this deployment alone, so
 * there they stay optional.
 */
export function missingClaimSettings(
  settings: Pick<AuthSettings, 'publicKey' | 'jwksUrl' | 'issuer' | 'audience'>,
): ('JWT_ISSUER' | 'JWT_AUDIENCE')[] {
  if (!isSet(settings.publicKey) && !isSet(settings.jwksUrl)) return [];
  return [
    !isSet(settings.issuer) && ('JWT_ISSUER' as const),
    !isSet(settings.audience) && ('JWT_AUDIENCE' as const),
  ].filter((s) => s !== false);
}

/** The sentence that refuses a key source without the claim settings it needs: the missing ones, then both named. */
export function missingClaimsMessage(settings: Pick<AuthSettings, 'jwksUrl'>, missing: string[]): string {
  const source = isSet(settings.jwksUrl) ? 'JWT_JWKS_URL' : 'JWT_PUBLIC_KEY';
  return (
    `${missing.join(', ')}: required with ${source}; set both JWT_ISSUER and JWT_AUDIENCE (an identity provider ` +
    "signs tokens for every application it serves, and these two claims are what tell this service's tokens apart)"
  );
}

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== '';
