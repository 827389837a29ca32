import { AuthError } from './errors.js';

/** Far above any real JWT (Entra ID tokens with group claims run to a few KB); stops parsing of junk early. */
export const MAX_TOKEN_LENGTH = 16_384;

/**
 * The token from an `Authorization` header value: `Bearer <token>` (scheme case-insensitive, RFC 7235) or,
 * as the seed product's clients send it, the bare token.
 */
export function bearerToken(authorization: string | undefined | null): string {
  const header = (authorization ?? '').trim();
  if (header === '' || /^bearer$/i.test(header)) {
    throw new AuthError('MISSING_TOKEN', 'no bearer token: send Authorization: Bearer <token>');
  }
  const scheme = /^bearer\s+(.*)$/is.exec(header);
  const token = scheme ? scheme[1]!.trim() : header;
  if (/\s/.test(token)) {
    throw new AuthError('INVALID_TOKEN', 'the Authorization header must be Bearer <token> or the bare token');
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new AuthError('INVALID_TOKEN', `the token is longer than ${MAX_TOKEN_LENGTH} characters`);
  }
  return token;
}
