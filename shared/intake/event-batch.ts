import { withBackoff } from '../backoff.js';
import { ingestMessage, type IngestItem } from '../events/ingest.js';
import type { Log } from '../log.js';
import { connectorKindOfAppSubType } from '../task/resource-types.js';
import { createTask, type IntakeDeps } from './create-task.js';

export interface EventBatchSummary {
  created: number;
  duplicates: number;
  skipped: number;
  ignoredOtherConnector: number;
  failed: number;
  dropped: Record<string, number>;
}

export interface DeliveredEvent { body: unknown; eventId?: string }

// Storing an event is a chain of storage round trips (idempotency claim, task transaction, WAITING, enqueue):
// on Azure each is a few milliseconds of waiting, so events are stored side by side.
const STORE_CONCURRENCY = 32;

/**
 * Handles an Event Hub batch: the host checkpoints after the batch whether or not we throw, so nothing may
 * escape. Bad events become SKIPPED tasks with the reason; duplicates map to their
 * first task; events addressed to another connector kind are counted and not stored.
 */
export async function ingestEventBatch(events: DeliveredEvent[], deps: IntakeDeps & { log: Log }): Promise<EventBatchSummary> {
  const summary: EventBatchSummary = { created: 0, duplicates: 0, skipped: 0, ignoredOtherConnector: 0, failed: 0, dropped: {} };
  const items: IngestItem[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const result = ingestMessage(event.body, event.eventId ? { eventId: event.eventId } : {});
    for (const [reason, n] of Object.entries(result.dropped)) summary.dropped[reason] = (summary.dropped[reason] ?? 0) + (n ?? 0);
    for (const item of result.items) {
      // The seed names the connector in appSubType; Snowflake's own alerts may carry only appType.
      const named = item.request?.appSubType ?? item.request?.appType;
      const target = named ? connectorKindOfAppSubType(named) : undefined;
      if (target && target !== (deps.kind === 'memory' ? 'snowflake' : deps.kind)) summary.ignoredOtherConnector++;
      else if (seen.has(item.dedupeKey)) summary.duplicates++;      // the same event twice in one batch
      else { seen.add(item.dedupeKey); items.push(item); }
    }
  }
  // Independent events are stored side by side, taken in order.
  const pending = [...items];
  const store = async () => {
    for (let item = pending.shift(); item; item = pending.shift()) {
      try {
        const { task, duplicate } = await withBackoff(() => createTask(
          deps, item!.request ? { request: item!.request } : { invalid: item!.invalid ?? 'unrecognised event' },
          { source: 'EVENT_HUB', idempotencyKey: `eh:${item!.dedupeKey}`, eventId: item!.dedupeKey },
        ), () => true, 3, 200);
        if (duplicate) summary.duplicates++;
        else if (task.header.status === 'SKIPPED') summary.skipped++;
        else summary.created++;
      } catch (err) {
        summary.failed++;
        deps.log('error', 'event could not be stored', { dedupeKey: item.dedupeKey, origin: item.origin, error: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(STORE_CONCURRENCY, items.length) }, store));
  const other = summary.ignoredOtherConnector;
  deps.log('info', 'event batch ingested', { events: events.length, ...summary, ...(other ? { note: `${other} event(s) for another connector kind ignored` } : {}) });
  return summary;
}
