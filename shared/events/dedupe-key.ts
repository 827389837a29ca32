import { createHash } from 'node:crypto';

const MAX_READABLE_KEY = 512;

/**
 * Idempotency keys. Envelope ids come from publishers, so they are percent-encoded: the key then never holds the
 * characters Table Storage forbids in keys ('/', '\\', '#', '?', control characters) and `origin:a:b` stays unambiguous.
 * Envelope keys are readable up to 512 characters and digested beyond.
 */
export function envelopeKey(origin: 'event_grid' | 'cloudevents', ...parts: string[]): string {
  const key = [origin, ...parts.map(encodeURIComponent)].join(':');
  // Table Storage keys stop at 1 KiB; a long CloudEvents source must not make the key unstorable.
  return key.length <= MAX_READABLE_KEY ? key : `${origin}:sha256:${digest(key)}`;
}

/**
 * A diagnostics request stands for a set of audit records; the same set redelivered (Event Hub is at-least-once)
 * must map to the same key whatever the record order or the noise around it, hence a digest of the sorted logIds.
 */
export function diagnosticsKey(logIds: Iterable<string>): string {
  const sorted = [...new Set(logIds)].sort();
  return `dbx:${digest(sorted.join('\n'))}`;
}

/** For a message that carries no id of its own and arrived without an Event Hub id. */
export function contentKey(text: string): string {
  return `sha256:${digest(text)}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
