import { AuthError } from '../auth/index.js';
import type { Log } from '../log.js';
import { problem } from './problem.js';
import type { ApiResponse } from './types.js';

/** The answer to a request whose token was refused (401, 403) or could not be checked (503); undefined otherwise. */
export function authProblem(err: unknown, log: Log): ApiResponse | undefined {
  if (!(err instanceof AuthError)) return undefined;
  const challenge = { 'WWW-Authenticate': err.wwwAuthenticate() };
  if (err.status === 401) return problem(401, 'unauthorized', 'Unauthorized', err.message, {}, challenge);
  if (err.status === 403) return problem(403, 'insufficient-scope', 'Forbidden', err.message, {}, challenge);
  log('error', 'token verification unavailable', { code: err.code });
  return problem(503, 'auth-unavailable', 'Service Unavailable', err.message, {}, { 'Retry-After': '5' });
}
