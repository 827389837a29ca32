import { z } from 'zod';
import { envelopeKey } from './dedupe-key.js';
import type { IngestItem } from './item.js';
import { formatIssues, parseV2 } from './v2.js';

/**
 * Event Grid schema (the route Snowflake takes: an alert calls SYSTEM$SEND_SNOWFLAKE_NOTIFICATION through an
 * Event Grid notification integration, whose events Snowflake sends with subject "Snowflake Queue Notification"
 * and eventType "eventgrid-notification"). id, subject, eventType and eventTime are the required strings;
 * Event Grid stamps topic, dataVersion and metadataVersion itself.
 */
export const EventGridEventSchema = z.object({
  id: z.string().min(1).max(256),
  subject: z.string().max(1024),
  eventType: z.string().min(1).max(256),
  eventTime: z.string().min(1).max(64),
  data: z.unknown().optional(),
  dataVersion: z.string().max(64).optional(),
  metadataVersion: z.string().max(16).optional(),
  topic: z.string().max(1024).optional(),
});
export type EventGridEvent = z.infer<typeof EventGridEventSchema>;

/** One Event Grid event whose `data` is a V2 RESOURCE_SYNC payload (an object, or a JSON string of one). */
export function eventGridItem(value: unknown, fallbackKey: string): IngestItem {
  const parsed = EventGridEventSchema.safeParse(value);
  if (!parsed.success) {
    return {
      dedupeKey: fallbackKey,
      origin: 'event_grid',
      invalid: `invalid Event Grid event: ${formatIssues(parsed.error.issues)}`,
    };
  }
  const event = parsed.data;
  const dedupeKey = envelopeKey('event_grid', event.id);
  const outcome = parseV2(event.data, 'data');
  return 'request' in outcome
    ? { dedupeKey, origin: 'event_grid', request: outcome.request }
    : { dedupeKey, origin: 'event_grid', invalid: outcome.invalid };
}
