import { z } from 'zod';
import { hourStart, type ListPosition } from '../store/task-listing.js';

/**
 * The continuation token of `GET /tasks`: base64url of a small JSON position. Opaque to clients, but it comes back
 * from them, so it is validated like any request value: a token that does not decode to a real hour and row key is
 * refused, never followed.
 */
const PositionSchema = z.strictObject({
  v: z.literal(1),
  hour: z.string().refine((h) => hourStart(h) !== undefined, 'not an hour (yyyyMMddHH)'),
  after: z
    .string()
    .regex(/^\d{20}$/)
    .optional(),
});

/** Longer than any token this service writes. */
const MAX_TOKEN_CHARS = 200;

export const encodeContinuation = (p: ListPosition): string =>
  Buffer.from(JSON.stringify({ v: 1, hour: p.hour, ...(p.after ? { after: p.after } : {}) })).toString('base64url');

/** The position a token names, or undefined for one this service did not write. */
export function decodeContinuation(token: string): ListPosition | undefined {
  if (token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = PositionSchema.safeParse(json);
  return parsed.success ? { hour: parsed.data.hour, after: parsed.data.after } : undefined;
}
