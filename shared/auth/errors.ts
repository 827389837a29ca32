import { AUTH_REALM } from './settings.js';

/**
 * - MISSING_TOKEN, INVALID_TOKEN, EXPIRED: the caller's fault, answer 401 with `wwwAuthenticate()`.
 * - INSUFFICIENT_SCOPE: a good token that lacks the scope or role this service requires, a 403 (RFC 6750 §3.1).
 * - CONFIG: the service's key settings are unusable (thrown by `createVerifier` / `mintToken`), a 500.
 * - KEY_UNAVAILABLE: the JWKS could not be fetched or parsed; the token may be fine, so this is a 503 rather
 *   than a 401 telling a caller to throw away a good token. Access is still refused (fail closed).
 */
export type AuthErrorCode =
  | 'MISSING_TOKEN'
  | 'INVALID_TOKEN'
  | 'EXPIRED'
  | 'INSUFFICIENT_SCOPE'
  | 'CONFIG'
  | 'KEY_UNAVAILABLE';

/**
 * An authentication failure whose message is safe to show the caller: it never contains the token, a claim
 * value taken from the token, or a key. The underlying jose error, if any, is kept as `cause` for logs.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';

  /** For INSUFFICIENT_SCOPE: the scope the token lacks, named in the challenge. */
  readonly requiredScope?: string;

  constructor(
    readonly code: AuthErrorCode,
    message: string,
    options?: { cause?: unknown; requiredScope?: string },
  ) {
    super(message, options);
    if (options?.requiredScope !== undefined) this.requiredScope = options.requiredScope;
  }

  /** The HTTP status this failure maps to. */
  get status(): 401 | 403 | 500 | 503 {
    switch (this.code) {
      case 'INSUFFICIENT_SCOPE':
        return 403;
      case 'CONFIG':
        return 500;
      case 'KEY_UNAVAILABLE':
        return 503;
      default:
        return 401;
    }
  }

  /**
   * The RFC 6750 `WWW-Authenticate` value. A request with no credentials gets a bare challenge (RFC 6750
   * §3.1: no error code when authentication information is absent); a rejected token gets
   * `error="invalid_token"` and this error's message as `error_description`; a token short of the required scope
   * gets `error="insufficient_scope"` and the `scope` it needs.
   */
  wwwAuthenticate(realm: string = AUTH_REALM): string {
    const challenge = `Bearer realm="${quotable(realm)}"`;
    if (this.code === 'INSUFFICIENT_SCOPE') {
      return `${challenge}, error="insufficient_scope", error_description="${quotable(this.message)}", scope="${quotable(this.requiredScope ?? '')}"`;
    }
    if (this.code !== 'INVALID_TOKEN' && this.code !== 'EXPIRED') return challenge;
    return `${challenge}, error="invalid_token", error_description="${quotable(this.message)}"`;
  }
}

/** RFC 6750 §3: error_description is limited to %x20-21 / %x23-5B / %x5D-7E (no `"` or `\`). */
function quotable(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, "'");
}
