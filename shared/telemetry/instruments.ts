import { type Counter, type Histogram, type MeterProvider, metrics, type Tracer, trace } from '@opentelemetry/api';

/** The one name of this service's tracer and meter. */
export const INSTRUMENTATION_NAME = 'policysync';

export interface Instruments {
  /** Tasks reaching a terminal status, by status and source. */
  tasks: Counter;
  /** Seconds from a task's creation to its terminal status, by status. */
  syncDuration: Histogram;
  /** GRANT and REVOKE statements applied, by warehouse kind (db.system.name). */
  grantsApplied: Counter;
  revokesApplied: Counter;
  /** Statements sent to the warehouse, retries included, by warehouse kind. */
  roundTrips: Counter;
  /** Seconds from a queue message's insertion to the worker starting it. */
  queueAge: Histogram;
}

// The API has no proxy for meters: an instrument made before an SDK registers stays a no-op. They are made again
// whenever the registered provider changes, and cost one comparison otherwise.
let made: { provider: MeterProvider; instruments: Instruments } | undefined;

export function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (made?.provider === provider) return made.instruments;
  const meter = provider.getMeter(INSTRUMENTATION_NAME);
  const seconds = { unit: 's' };
  made = {
    provider,
    instruments: {
      tasks: meter.createCounter('policysync.tasks', { description: 'Tasks that reached a terminal status' }),
      syncDuration: meter.createHistogram('policysync.sync.duration', {
        ...seconds,
        description: "From a task's creation to its terminal status",
      }),
      grantsApplied: meter.createCounter('policysync.grants.applied', { description: 'GRANT statements applied' }),
      revokesApplied: meter.createCounter('policysync.revokes.applied', { description: 'REVOKE statements applied' }),
      roundTrips: meter.createCounter('policysync.warehouse.round_trips', {
        description: 'Statements sent to the warehouse, retries included',
      }),
      queueAge: meter.createHistogram('policysync.queue.age', {
        ...seconds,
        description: "From a sync message's insertion to a worker starting it",
      }),
    },
  };
  return made.instruments;
}

/** The service's tracer (the API's proxy follows whichever SDK registers, or none). */
export const tracer = (): Tracer => trace.getTracer(INSTRUMENTATION_NAME);
