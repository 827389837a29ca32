export { AuthError, type AuthErrorCode } from './errors.js';
export { bearerToken, MAX_TOKEN_LENGTH } from './bearer.js';
export { mintToken, DEFAULT_TTL_SECONDS, type MintOptions } from './mint.js';
export { AUTH_REALM, CLOCK_TOLERANCE_SECONDS, type AuthSettings } from './settings.js';
export { createVerifier, JWKS_TIMEOUT_MS, type VerifiedCaller, type Verifier } from './verify.js';
export { MIN_SECRET_BYTES, type SigningAlgorithm } from './keys.js';
