import { withBackoff } from '../backoff.js';
import { warehouseNamed } from '../connectors/modules.js';
import type { WarehouseModule } from '../connectors/warehouse-module.js';
import { type IngestItem, ingestMessage } from '../events/ingest.js';
import type { Log } from '../log.js';
import { TASKS_PER_MESSAGE } from '../store/dispatch-queue.js';
import { isStorageRefused, isStorageTransient } from '../store/errors.js';
import type { TaskHeader } from '../store/records.js';
import { inEventSpan } from '../telemetry/event-span.js';
import { type CreatedTask, createTask, type Intake, type IntakeDeps, type IntakeOptions } from './create-task.js';
import { sendFirstMessage } from './first-send.js';

export interface EventBatchSummary {
  created: number;
  duplicates: number;
  skipped: number;
  /** Of `skipped`: events stored as SKIPPED tasks without their content, which could not be stored (logged). */
  storedWithoutContent: number;
  ignoredOtherConnector: number;
  failed: number;
  dropped: Record<string, number>;
}

export interface DeliveredEvent {
  body: unknown;
  eventId?: string;
}

/** How often the batch was delivered before this delivery (the host's retry count; 0 the first time). */
interface Redelivery {
  redeliveries?: number;
}

/**
 * After this many redeliveries (about 35 minutes under EVENT_BATCH_RETRY), an event storage still will not take is
 * stored without its content, if storage takes that: a write that fails only for this event's content must not
 * hold the partition until the hub's retention drops the events behind it. In a real outage that write fails too,
 * and the batch keeps waiting for storage.
 */
export const POISON_AFTER_REDELIVERIES = 10;

// Storing an event is a chain of storage requests (idempotency claim, index row, task transaction), each written
// through a group commit that puts rows of one partition arriving together into one transaction. A batch's events
// start their chains in the same turn, so their claims, index rows and tasks meet in shared transactions (a batch's
// tasks share the partitions their ids name): the whole batch is in flight at once, up to this many.
const STORE_CONCURRENCY = 1_000;

/**
 * Handles an Event Hub batch without throwing: bad events become SKIPPED tasks with the reason; duplicates map to
 * their first task; events addressed to another connector kind are counted and not stored. Events that storage
 * could not take are counted `failed`: the caller has the batch delivered again (see `UnstoredEventsError`), and
 * the events stored the first time come back as duplicates.
 */
export async function ingestEventBatch(
  events: DeliveredEvent[],
  batchDeps: IntakeDeps & Redelivery & { log: Log },
): Promise<EventBatchSummary> {
  // The batch's tasks are made at one instant: their ids are consecutive numbers of one millisecond, so they fill
  // the partitions of 128 their ids name (task-address.ts) one after another, where ids made as the clock ticked
  // through the batch would crowd one partition per window.
  const at = (batchDeps.now ?? (() => new Date()))();
  const deps = { ...batchDeps, now: () => at };
  const summary: EventBatchSummary = {
    created: 0,
    duplicates: 0,
    skipped: 0,
    storedWithoutContent: 0,
    ignoredOtherConnector: 0,
    failed: 0,
    dropped: {},
  };
  const items: IngestItem[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const result = ingestMessage(event.body, event.eventId ? { eventId: event.eventId } : {});
    for (const [reason, n] of Object.entries(result.dropped))
      summary.dropped[reason] = (summary.dropped[reason] ?? 0) + (n ?? 0);
    for (const item of result.items) {
      // The seed names the connector in appSubType; Snowflake's own alerts may carry only appType.
      const named = item.request?.appSubType ?? item.request?.appType;
      if (named && isForAnother(named, deps.warehouse)) summary.ignoredOtherConnector++;
      else if (seen.has(item.dedupeKey))
        summary.duplicates++; // the same event twice in one batch
      else {
        seen.add(item.dedupeKey);
        items.push(item);
      }
    }
  }
  // Independent events are stored side by side, taken in order. Their tasks are sent TASKS_PER_MESSAGE to a message
  // as soon as that many are stored (the first tasks of a large batch do not wait for the last), the rest at the
  // end. A send that fails leaves its tasks stored without a message: retried in process, then sent by the sweeper
  // (sendFirstMessage); the events are stored, so the batch is not delivered again for it.
  const pending = [...items];
  const unsent: TaskHeader[] = [];
  const sends: Promise<unknown>[] = [];
  const flush = (all: boolean) => {
    while (unsent.length >= TASKS_PER_MESSAGE || (all && unsent.length > 0))
      sends.push(sendFirstMessage(deps, unsent.splice(0, TASKS_PER_MESSAGE)));
  };
  const store = async () => {
    for (let item = pending.shift(); item; item = pending.shift()) {
      const opts: IntakeOptions = {
        source: 'EVENT_HUB',
        idempotencyKey: `eh:${item.dedupeKey}`,
        eventId: item.dedupeKey,
        send: 'later',
      };
      const intake = item.request ? { request: item.request } : { invalid: item.invalid ?? 'unrecognised event' };
      try {
        const {
          created: { task, duplicate },
          withoutContent,
        } = await inEventSpan(() => storeEvent(deps, intake, opts));
        if (withoutContent) {
          summary.storedWithoutContent++;
          deps.log('error', 'event stored without its content', {
            dedupeKey: item.dedupeKey,
            origin: item.origin,
            taskId: task.header.taskId,
            reason: withoutContent,
          });
        }
        if (duplicate) summary.duplicates++;
        else if (task.header.status === 'SKIPPED') summary.skipped++;
        else {
          summary.created++;
          unsent.push(task.header);
          flush(false);
        }
      } catch (err) {
        summary.failed++;
        deps.log('error', 'event could not be stored', {
          dedupeKey: item.dedupeKey,
          origin: item.origin,
          error: (err as Error).message,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(STORE_CONCURRENCY, items.length) }, store));
  flush(true);
  await Promise.all(sends);
  const other = summary.ignoredOtherConnector;
  deps.log('info', 'event batch ingested', {
    events: events.length,
    ...summary,
    ...(other ? { note: `${other} event(s) for another connector kind ignored` } : {}),
  });
  return summary;
}

/** Whether an event names a warehouse the service knows that is not this instance's; an unknown name is not another's. */
const isForAnother = (named: string, ours: WarehouseModule) =>
  !warehouseNamed(named, [ours]) && warehouseNamed(named) !== undefined;

/**
 * Stores an event's task. A failure that would recur on every delivery — storage refusing the content (400, 413),
 * an error that is not storage's at all, or one storage still answers after POISON_AFTER_REDELIVERIES — must not
 * hold the partition: the event is stored as a SKIPPED task that says why, without the content. Otherwise an
 * unavailable storage leaves the event to the batch's redelivery.
 */
async function storeEvent(
  deps: IntakeDeps & Redelivery,
  intake: Intake,
  opts: IntakeOptions,
): Promise<{ created: CreatedTask; withoutContent?: string }> {
  const attempt = (i: Intake) => withBackoff(() => createTask(deps, i, opts), isStorageTransient, 3, 200);
  try {
    return { created: await attempt(intake) };
  } catch (err) {
    const deliveries = (deps.redeliveries ?? 0) + 1;
    if (isStorageTransient(err) && deliveries <= POISON_AFTER_REDELIVERIES) throw err;
    const message = (err as Error).message;
    const reason = isStorageRefused(err)
      ? message
      : isStorageTransient(err)
        ? `the event could not be stored in ${deliveries} deliveries (${message})`
        : `the event could not be handled (${message})`;
    const withoutContent = `${reason}; the event's content is not kept`;
    return { created: await attempt({ invalid: withoutContent }), withoutContent };
  }
}

/** Thrown by the Event Hub function after a batch with unstored events, so that the host delivers it again. */
export class UnstoredEventsError extends Error {
  readonly code = 'EVENTS_NOT_STORED';
  constructor(readonly failed: number) {
    super(`${failed} event(s) of the batch could not be stored; the batch is to be delivered again`);
    this.name = 'UnstoredEventsError';
  }
}
