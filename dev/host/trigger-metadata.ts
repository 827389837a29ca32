import type { PartitionContext, ReceivedEventData } from '@azure/event-hubs';
import type { TriggerMetadata } from '@azure/functions';

/**
 * The binding data the Functions host's Event Hubs extension sends with a batch (EventHubTriggerBindingStrategy,
 * cardinality many): PascalCase names, one array entry per event, and in each event's system properties the
 * service's AMQP annotations plus SequenceNumber, Offset, OffsetString, PartitionKey and EnqueuedTimeUtc.
 * `test/fixtures/events/event-hub-trigger-metadata.json` is a batch of two in this form.
 */
export function hostEventHubBindingData(
  events: ReceivedEventData[],
  partition: PartitionContext,
): Record<string, unknown> {
  const context = {
    FullyQualifiedNamespace: partition.fullyQualifiedNamespace,
    EventHubName: partition.eventHubName,
    ConsumerGroup: partition.consumerGroup,
    PartitionId: partition.partitionId,
  };
  const enqueued = events.map((e) => e.enqueuedTimeUtc.toISOString());
  return {
    TriggerPartitionContext: context,
    PartitionContext: context,
    PartitionKeyArray: events.map((e) => e.partitionKey ?? null),
    OffsetArray: events.map((e) => String(e.offset)),
    OffsetStringArray: events.map((e) => String(e.offset)),
    SequenceNumberArray: events.map((e) => e.sequenceNumber),
    EnqueuedTimeUtcArray: enqueued,
    PropertiesArray: events.map((e) => e.properties ?? {}),
    SystemPropertiesArray: events.map((e, i) => ({
      ...(e.systemProperties ?? {}),
      'x-opt-sequence-number': e.sequenceNumber,
      'x-opt-offset': String(e.offset),
      'x-opt-enqueued-time': enqueued[i],
      ...(e.messageId !== undefined ? { 'message-id': String(e.messageId) } : {}),
      SequenceNumber: e.sequenceNumber,
      Offset: Number(e.offset),
      OffsetString: String(e.offset),
      PartitionKey: e.partitionKey ?? null,
      EnqueuedTimeUtc: enqueued[i],
    })),
  };
}

/**
 * What a Node v4 handler receives for that binding data: the @azure/functions library (fromRpcTriggerMetadata)
 * lower-cases the first character of every key, at every depth, arrays included.
 */
export function asNodeTriggerMetadata(bindingData: Record<string, unknown>): TriggerMetadata {
  return camelCased(bindingData) as TriggerMetadata;
}

function camelCased(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCased);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camelCased(v)]),
  );
}
