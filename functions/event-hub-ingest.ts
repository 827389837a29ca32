import type { EventHubFunctionOptions, InvocationContext } from '@azure/functions';
import { ingestEventBatch, type DeliveredEvent } from '../shared/intake/event-batch.js';
import { appConfig, appServices, contextLog } from './services.js';

interface SystemProperties { SequenceNumber?: number | string; MessageId?: string }

export function eventHubFunction(): EventHubFunctionOptions {
  const c = appConfig();
  return {
    eventHubName: c.eventHub.name, consumerGroup: c.eventHub.consumerGroup, connection: 'EventHubConnection', cardinality: 'many',
    handler: async (messages: unknown, context: InvocationContext) => {
      const s = await appServices();
      const list = Array.isArray(messages) ? messages : [messages];
      const props = (context.triggerMetadata?.systemPropertiesArray ?? []) as SystemProperties[];
      const partition = (context.triggerMetadata?.partitionContext as { partitionId?: string } | undefined)?.partitionId;
      const events: DeliveredEvent[] = list.map((body, i) => ({ body, ...eventIdOf(props[i], partition) }));
      await ingestEventBatch(events, { store: s.store, queue: s.queue, kind: c.connectorKind, instance: c.instance, log: contextLog(context) });
    },
  };
}

/** A redelivered event keeps its message id, or its partition and sequence number: either identifies it. */
function eventIdOf(p: SystemProperties | undefined, partition: string | undefined): { eventId?: string } {
  if (p?.MessageId) return { eventId: `msg:${p.MessageId}` };
  if (p?.SequenceNumber !== undefined && partition !== undefined) return { eventId: `seq:${partition}:${p.SequenceNumber}` };
  return {};
}
