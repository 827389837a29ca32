import type { EventHubFunctionOptions, InvocationContext, RetryOptions } from '@azure/functions';
import { deliveryIds } from '../shared/events/delivery-identity.js';
import { ingestEventBatch, UnstoredEventsError } from '../shared/intake/event-batch.js';
import { appConfig, appServices, contextLog } from './services.js';

/**
 * The host checkpoints a batch once its handler returns, or once this policy's retries end; retrying without end
 * holds the checkpoint until storage takes every event, so an outage shorter than the hub's retention delays events
 * but loses none. An event that fails for its own sake does not hold the partition: ingestEventBatch stores it as
 * SKIPPED, at once when storage refuses it, after POISON_AFTER_REDELIVERIES when storage keeps failing on it.
 */
export const EVENT_BATCH_RETRY: RetryOptions = {
  strategy: 'exponentialBackoff',
  maxRetryCount: -1,
  minimumInterval: { seconds: 5 },
  maximumInterval: { minutes: 5 },
};

export function eventHubFunction(): EventHubFunctionOptions {
  const c = appConfig();
  return {
    eventHubName: c.eventHub.name,
    consumerGroup: c.eventHub.consumerGroup,
    connection: 'EventHubConnection',
    cardinality: 'many',
    retry: EVENT_BATCH_RETRY,
    handler: async (messages: unknown, context: InvocationContext) => {
      const s = await appServices();
      const list = Array.isArray(messages) ? messages : [messages];
      const ids = deliveryIds(context.triggerMetadata, list.length);
      const events = list.map((body, i) => ({ body, ...(ids[i] ? { eventId: ids[i] } : {}) }));
      const summary = await ingestEventBatch(events, {
        store: s.store,
        queue: s.queue,
        warehouse: c.warehouse.module,
        instance: c.instance,
        log: contextLog(context),
        redeliveries: context.retryContext?.retryCount ?? 0,
      });
      if (summary.failed > 0) throw new UnstoredEventsError(summary.failed);
    },
  };
}
