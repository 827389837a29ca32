/**
 * The auth part of the service configuration. The config module fills it from JWT_SECRET, JWT_PUBLIC_KEY,
 * JWT_JWKS_URL, JWT_ISSUER and JWT_AUDIENCE; this module knows nothing of the environment.
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
  /** When set, the token's `iss` must equal it. */
  issuer?: string;
  /** When set, the token's `aud` must contain it. */
  audience?: string;
  /** Narrows the algorithms the key source allows; naming one the key cannot verify is a CONFIG error. */
  algorithms?: string[];
}

/** The realm named in `WWW-Authenticate` challenges. */
export const AUTH_REALM = 'policysync';

/**
 * Leeway for `exp` and `nbf`: clocks of the issuer and of a Functions worker drift by seconds, and a token
 * rejected for a two-second skew is an outage nobody can explain. Thirty seconds is far below any sane TTL.
 */
export const CLOCK_TOLERANCE_SECONDS = 30;
