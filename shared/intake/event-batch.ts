import { withBackoff } from '../backoff.js';
import { ingestMessage } from '../events/ingest.js';
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

/**
 * Handles an Event Hub batch one event at a time: the host checkpoints after the batch whether or not we
 * throw, so nothing may escape. Bad events become SKIPPED tasks with the reason; duplicates map to their
 * first task; events addressed to another connector kind are counted and not stored.
 */
export async function ingestEventBatch(events: DeliveredEvent[], deps: IntakeDeps & { log: Log }): Promise<EventBatchSummary> {
  const summary: EventBatchSummary = { created: 0, duplicates: 0, skipped: 0, ignoredOtherConnector: 0, failed: 0, dropped: {} };
  for (const event of events) {
    const result = ingestMessage(event.body, event.eventId ? { eventId: event.eventId } : {});
    for (const [reason, n] of Object.entries(result.dropped)) summary.dropped[reason] = (summary.dropped[reason] ?? 0) + (n ?? 0);
    for (const item of result.items) {
      // The seed names the connector in appSubType; Snowflake's own alerts may carry only appType.
      const named = item.request?.appSubType ?? item.request?.appType;
      const target = named ? connectorKindOfAppSubType(named) : undefined;
      if (target && target !== (deps.kind === 'memory' ? 'snowflake' : deps.kind)) {
        summary.ignoredOtherConnector++;
        continue;
      }
      try {
        const { task, duplicate } = await withBackoff(() => createTask(
          deps, item.request ? { request: item.request } : { invalid: item.invalid ?? 'unrecognised event' },
          { source: 'EVENT_HUB', idempotencyKey: `eh:${item.dedupeKey}`, eventId: item.dedupeKey },
        ), () => true, 3, 200);
        if (duplicate) summary.duplicates++;
        else if (task.header.status === 'SKIPPED') summary.skipped++;
        else summary.created++;
      } catch (err) {
        summary.failed++;
        deps.log('error', 'event could not be stored', { dedupeKey: item.dedupeKey, origin: item.origin, error: (err as Error).message });
      }
    }
  }
  const other = summary.ignoredOtherConnector;
  deps.log('info', 'event batch ingested', { events: events.length, ...summary, ...(other ? { note: `${other} event(s) for another connector kind ignored` } : {}) });
  return summary;
}
