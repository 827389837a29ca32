export { bearerToken, MAX_TOKEN_LENGTH } from './bearer.js';
export { AuthError, type AuthErrorCode } from './errors.js';
export { MIN_SECRET_BYTES, type SigningAlgorithm } from './keys.js';
export { DEFAULT_TTL_SECONDS, type MintOptions, mintToken } from './mint.js';
export { AUTH_REALM, type AuthSettings, CLOCK_TOLERANCE_SECONDS } from './settings.js';
export { createVerifier, JWKS_TIMEOUT_MS, type VerifiedCaller, type Verifier } from './verify.js';
