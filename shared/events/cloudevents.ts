import { z } from 'zod';
import { envelopeKey } from './dedupe-key.js';
import type { IngestItem } from './item.js';
import { decodeBase64Json } from './json-body.js';
import { formatIssues, parseV2 } from './v2.js';

/**
 * CloudEvents 1.0, JSON format (structured mode; a batch is a JSON array of these). specversion, id, source and
 * type are required; the payload is `data`, or `data_base64` for binary data, never both.
 */
export const CloudEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string().min(1).max(256),
    source: z.string().min(1).max(1024),
    type: z.string().min(1).max(256),
    subject: z.string().max(1024).optional(),
    time: z.string().max(64).optional(),
    datacontenttype: z.string().max(256).optional(),
    dataschema: z.string().max(1024).optional(),
    data: z.unknown().optional(),
    data_base64: z.string().optional(),
  })
  .refine((event) => event.data === undefined || event.data_base64 === undefined, {
    message: 'data and data_base64 are mutually exclusive',
    path: ['data_base64'],
  });
export type CloudEvent = z.infer<typeof CloudEventSchema>;

/** One CloudEvent whose data is a V2 RESOURCE_SYNC payload. Key: source + id, which CloudEvents makes unique. */
export function cloudEventItem(value: unknown, fallbackKey: string): IngestItem {
  const parsed = CloudEventSchema.safeParse(value);
  if (!parsed.success) {
    return {
      dedupeKey: fallbackKey,
      origin: 'cloudevents',
      invalid: `invalid CloudEvent: ${formatIssues(parsed.error.issues)}`,
    };
  }
  const event = parsed.data;
  const dedupeKey = envelopeKey('cloudevents', event.source, event.id);
  let payload = event.data;
  if (event.data_base64 !== undefined) {
    const decoded = decodeBase64Json(event.data_base64);
    if (!decoded.ok) return { dedupeKey, origin: 'cloudevents', invalid: `data_base64: ${decoded.reason}` };
    payload = decoded.value;
  }
  const outcome = parseV2(payload, 'data');
  return 'request' in outcome
    ? { dedupeKey, origin: 'cloudevents', request: outcome.request }
    : { dedupeKey, origin: 'cloudevents', invalid: outcome.invalid };
}
