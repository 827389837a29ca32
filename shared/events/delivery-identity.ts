import { z } from 'zod';

/**
 * The Event Hub trigger's metadata as a Node v4 handler receives it. The Functions host sends its binding data
 * with PascalCase names (`SystemPropertiesArray`, `PartitionContext.PartitionId`, ...); the @azure/functions
 * library lower-cases the first letter of every key, recursively, before the handler sees it. Keys that already
 * start in lower case (the AMQP annotations `x-opt-sequence-number`, `message-id`) arrive unchanged.
 */
const sequenceNumber = z.union([z.number(), z.string(), z.bigint()]).transform(String);
const eventHubTriggerMetadata = z
  .object({
    partitionContext: z.object({ partitionId: z.string().optional() }).passthrough().nullish(),
    sequenceNumberArray: z.array(sequenceNumber.nullish()).nullish(),
    enqueuedTimeUtcArray: z.array(z.string().nullish()).nullish(),
    systemPropertiesArray: z
      .array(
        z
          .object({
            sequenceNumber: sequenceNumber.nullish(),
            enqueuedTimeUtc: z.string().nullish(),
          })
          .passthrough()
          .nullish(),
      )
      .nullish(),
  })
  .passthrough();

/**
 * Azure's own identity of each event of a batch: partition, sequence number and enqueue time. A redelivery of an
 * event carries all three unchanged; two different events never share them (the enqueue time also tells apart an
 * event of a hub deleted and created again, whose sequence numbers restart at 0). Undefined for an event the
 * metadata does not identify, which then falls back to what the message says of itself.
 */
export function deliveryIds(metadata: unknown, count: number): (string | undefined)[] {
  const parsed = eventHubTriggerMetadata.safeParse(metadata ?? {});
  const m = parsed.success ? parsed.data : {};
  const partition = m.partitionContext?.partitionId;
  return Array.from({ length: count }, (_, i) => {
    const system = m.systemPropertiesArray?.[i];
    const seq = system?.sequenceNumber ?? m.sequenceNumberArray?.[i];
    if (partition === undefined || seq === undefined || seq === null) return undefined;
    const enqueued = system?.enqueuedTimeUtc ?? m.enqueuedTimeUtcArray?.[i];
    return enqueued ? `seq:${partition}:${seq}:${enqueued}` : `seq:${partition}:${seq}`;
  });
}
