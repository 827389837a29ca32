import { cloudEventItem } from './cloudevents.js';
import { diagnosticsItems } from './databricks-diagnostics.js';
import { contentKey } from './dedupe-key.js';
import { eventGridItem } from './event-grid.js';
import type { IngestItem, IngestResult } from './item.js';
import { clip, decodeBody } from './json-body.js';
import { classifyMessage } from './shape.js';
import { parseV2 } from './v2.js';

export type { DropReason, IngestItem, IngestResult, Origin } from './item.js';

export interface IngestOptions {
  /** The Event Hub message id, or an id derived from partition and sequence number, when there is one. */
  eventId?: string;
}

/**
 * The one entry point for an Event Hub message, whatever produced it: a V2 RESOURCE_SYNC payload, a Databricks
 * diagnostics batch, or Event Grid / CloudEvents envelopes (one, or a JSON array) carrying V2 payloads.
 * Pure and total: it never throws, whatever the body; an unusable message becomes an item with `invalid`.
 */
export function ingestMessage(body: unknown, opts: IngestOptions = {}): IngestResult {
  try {
    return ingest(body, opts);
  } catch (error) {
    // Unreachable by design; kept so that one poison message can never fail the rest of an Event Hub batch.
    const reason = `could not read the message: ${clip(error instanceof Error ? error.message : String(error))}`;
    return {
      items: [{ dedupeKey: opts.eventId ?? safeContentKey(body), origin: 'unknown', invalid: reason }],
      dropped: {},
    };
  }
}

function ingest(body: unknown, opts: IngestOptions): IngestResult {
  const decoded = decodeBody(body);
  // Without an Event Hub id, a message that carries no id of its own is keyed by its content.
  const baseKey = opts.eventId ?? safeContentKey(body);
  if (!decoded.ok) return { items: [{ dedupeKey: baseKey, origin: 'unknown', invalid: decoded.reason }], dropped: {} };
  const value = decoded.value;
  if (!Array.isArray(value)) return one(value, baseKey);

  if (value.length === 0) {
    return {
      items: [{ dedupeKey: baseKey, origin: 'unknown', invalid: 'empty JSON array: no event to read' }],
      dropped: {},
    };
  }
  const items: IngestItem[] = [];
  const dropped: Record<string, number> = {};
  value.forEach((element, index) => {
    const result = one(element, `${baseKey}:${index}`, `[${index}] `);
    items.push(...result.items);
    for (const [reason, count] of Object.entries(result.dropped)) {
      dropped[reason] = (dropped[reason] ?? 0) + count;
    }
  });
  return { items, dropped };
}

function one(value: unknown, key: string, at = ''): IngestResult {
  const origin = classifyMessage(value);
  switch (origin) {
    case 'databricks_diagnostics':
      return diagnosticsItems((value as { records: unknown[] }).records);
    case 'event_grid':
      return { items: [locate(eventGridItem(value, key), at)], dropped: {} };
    case 'cloudevents':
      return { items: [locate(cloudEventItem(value, key), at)], dropped: {} };
    case 'v2': {
      const outcome = parseV2(value);
      // The seed's event `id` names the event across deliveries and publishers; the delivery id only one copy.
      const dedupeKey =
        'request' in outcome && outcome.request.id ? `v2:${encodeURIComponent(outcome.request.id)}` : key;
      return { items: [locate({ dedupeKey, origin, ...outcome }, at)], dropped: {} };
    }
    case 'unknown':
      return {
        items: [{ dedupeKey: key, origin, invalid: `${at}unrecognised message shape: ${describeShape(value)}` }],
        dropped: {},
      };
  }
}

function locate(item: IngestItem, at: string): IngestItem {
  return item.invalid === undefined || at === '' ? item : { ...item, invalid: at + item.invalid };
}

/** Enough to recognise the message in a task list, without echoing its content. */
function describeShape(value: unknown): string {
  if (value === null)
    return 'null; expected a RESOURCE_SYNC request, a {records:[...]} diagnostics batch, an Event Grid event or a CloudEvent';
  if (Array.isArray(value)) return 'a nested array; expected events';
  if (typeof value !== 'object') return `a JSON ${typeof value}; expected an object`;
  const keys = Object.keys(value);
  const shown = keys
    .slice(0, 8)
    .map((key) => JSON.stringify(clip(key, 40)))
    .join(', ');
  return `an object with keys {${shown}${keys.length > 8 ? ', …' : ''}}; expected a RESOURCE_SYNC request, a {records:[...]} diagnostics batch, an Event Grid event or a CloudEvent`;
}

function safeContentKey(body: unknown): string {
  try {
    if (typeof body === 'string') return contentKey(body);
    if (body instanceof Uint8Array) return contentKey(Buffer.from(body).toString('base64'));
    if (body instanceof ArrayBuffer) return contentKey(Buffer.from(body).toString('base64'));
    return contentKey(JSON.stringify(body) ?? String(body));
  } catch {
    return contentKey(String(typeof body));
  }
}
