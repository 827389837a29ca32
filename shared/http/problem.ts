import type { ApiResponse } from './types.js';

/** RFC 9457 problem details; `type` names the problem so clients can branch on it without parsing text. */
export function problem(
  status: number,
  type: string,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): ApiResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
    jsonBody: { type: `https://policysync.dev/problems/${type}`, title, status, detail, ...extra },
  };
}
