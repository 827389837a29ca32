import { createHash } from 'node:crypto';
import type { TaskRequest } from '../task/task-request.js';

/**
 * An `Idempotency-Key` belongs to the caller who sent it: the stored key is the token's subject and the key together
 * (a JSON array, so no choice of either can be mistaken for another pair). The same key from another subject is
 * another key, and never reveals the first caller's task.
 */
export function callerKey(subject: string, key: string): string {
  return `api:${JSON.stringify([subject, key])}`;
}

/**
 * What a repeated key must match: the request as validated (unknown fields dropped, object keys in one order) and
 * whether it is a dry run. Whitespace or key order in the body changes nothing; anything that would make another
 * task does.
 */
export function requestFingerprint(request: TaskRequest, dryRun: boolean): string {
  return createHash('sha256').update(canonicalJson({ request, dryRun })).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The IETF Idempotency-Key draft's answer to a key reused with another request payload (draft-ietf-httpapi-
 * idempotency-key-header-06, "Error Scenarios"): 422, and nothing is created. The caller has either a bug that reuses
 * keys or two requests it meant to be different.
 */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor() {
    super('this Idempotency-Key was already used with a different request; send a new key for a new request');
    this.name = 'IdempotencyKeyReusedError';
  }
}
