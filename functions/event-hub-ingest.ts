import type { EventHubFunctionOptions, InvocationContext, RetryOptions } from '@azure/functions';
import { ingestEventBatch, UnstoredEventsError, type DeliveredEvent } from '../shared/intake/event-batch.js';
import { appConfig, appServices, contextLog } from './services.js';

/**
 * The host checkpoints a batch once its handler returns, or once this policy's retries end; retrying without end
 * holds the checkpoint until storage takes every event, so an outage shorter than the hub's retention delays events
 * but loses none. An event that fails for its own sake does not hold the partition: ingestEventBatch stores it as
 * SKIPPED, at once when storage refuses it, after POISON_AFTER_REDELIVERIES when storage keeps failing on it.
 */
export const EVENT_BATCH_RETRY: RetryOptions = { strategy: 'exponentialBackoff', maxRetryCount: -1, minimumInterval: { seconds: 5 }, maximumInterval: { minutes: 5 } };

interface SystemProperties { SequenceNumber?: number | string; MessageId?: string }

export function eventHubFunction(): EventHubFunctionOptions {
  const c = appConfig();
  return {
    eventHubName: c.eventHub.name, consumerGroup: c.eventHub.consumerGroup, connection: 'EventHubConnection', cardinality: 'many',
    retry: EVENT_BATCH_RETRY,
    handler: async (messages: unknown, context: InvocationContext) => {
      const s = await appServices();
      const list = Array.isArray(messages) ? messages : [messages];
      const props = (context.triggerMetadata?.systemPropertiesArray ?? []) as SystemProperties[];
      const partition = (context.triggerMetadata?.partitionContext as { partitionId?: string } | undefined)?.partitionId;
      const events: DeliveredEvent[] = list.map((body, i) => ({ body, ...eventIdOf(props[i], partition) }));
      const summary = await ingestEventBatch(events, {
        store: s.store, queue: s.queue, kind: c.connectorKind, instance: c.instance, log: contextLog(context), redeliveries: context.retryContext?.retryCount ?? 0,
      });
      if (summary.failed > 0) throw new UnstoredEventsError(summary.failed);
    },
  };
}

/** A redelivered event keeps its message id, or its partition and sequence number: either identifies it. */
function eventIdOf(p: SystemProperties | undefined, partition: string | undefined): { eventId?: string } {
  if (p?.MessageId) return { eventId: `msg:${p.MessageId}` };
  if (p?.SequenceNumber !== undefined && partition !== undefined) return { eventId: `seq:${partition}:${p.SequenceNumber}` };
  return {};
}
