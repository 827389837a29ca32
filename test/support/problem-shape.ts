import { expect } from 'vitest';
import type { ApiResponse } from '../../shared/http/types.js';

/** RFC 9457: an error answer is application/problem+json with type, title, status (equal to the HTTP status) and detail. */
export function expectProblem(res: ApiResponse, statuses: number[]): void {
  expect(statuses, JSON.stringify(res.jsonBody)).toContain(res.status);
  expect(res.headers?.['Content-Type']).toBe('application/problem+json');
  const body = res.jsonBody as Record<string, unknown>;
  expect(typeof body.type).toBe('string');
  expect(String(body.type)).toMatch(/^https:\/\/policysync\.dev\/problems\/[a-z-]+$/);
  expect(typeof body.title).toBe('string');
  expect(body.status).toBe(res.status);
  expect(typeof body.detail).toBe('string');
  if (res.status === 401) expect(res.headers?.['WWW-Authenticate']).toMatch(/^Bearer realm="policysync"/);
  if (res.status === 503) expect(res.headers?.['Retry-After']).toMatch(/^\d+$/);
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at /); // no stack trace
}

/** The same check for a response read over HTTP. */
export async function expectHttpProblem(res: Response, statuses: number[]): Promise<Record<string, unknown>> {
  expect(statuses).toContain(res.status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.status).toBe(res.status);
  expect(typeof body.type).toBe('string');
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

/** An ApiRequest (the shape `@azure/functions`' HttpRequest has) built from plain values. */
export function apiRequest(
  method: string,
  url: string,
  headers: Record<string, string>,
  body = '',
  params: Record<string, string> = {},
) {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method,
    url,
    params,
    headers: { get: (name: string) => lower.get(name.toLowerCase()) ?? null },
    text: async () => body,
  };
}
