import { EventHubConsumerClient, earliestEventPosition } from '@azure/event-hubs';
import type { EventHubFunctionOptions } from '@azure/functions';
import { type HostLog, invocationContext } from './invocation.js';
import { withRetryPolicy } from './retry-policy.js';
import { asNodeTriggerMetadata, hostEventHubBindingData } from './trigger-metadata.js';

/**
 * A real Event Hub consumer feeding the same Event Hub function, a batch at a time, as the host does: a batch whose
 * handler throws is handed to it again under the function's retry policy before the consumer moves on.
 */
export async function startEventHubConsumer(
  name: string,
  options: EventHubFunctionOptions,
  hub: { connection?: string; name: string; consumerGroup: string },
  log: HostLog,
): Promise<{ stop(): Promise<void> }> {
  const client = new EventHubConsumerClient(hub.consumerGroup, hub.connection ?? '', hub.name);
  const stopping = new AbortController();
  const subscription = client.subscribe(
    {
      processEvents: async (events, ctx) => {
        if (events.length === 0) return;
        const triggerMetadata = asNodeTriggerMetadata(hostEventHubBindingData(events, ctx));
        // Checkpoints are in memory here: a restarted local host reads the hub from the start, and dedupe absorbs it.
        const bodies = events.map((e) => e.body);
        await withRetryPolicy(
          options.retry,
          async (retryContext) => options.handler(bodies, invocationContext(name, log, triggerMetadata, retryContext)),
          {
            signal: stopping.signal,
            onRetry: (n, delayMs, err) =>
              log({
                level: 'warn',
                functionName: name,
                message: 'event batch to be delivered again',
                retry: n,
                delayMs,
                error: (err as Error).message,
              }),
          },
        );
      },
      processError: async (err) =>
        log({ level: 'warn', functionName: name, message: 'event hub consumer error', error: err.message }),
    },
    { startPosition: earliestEventPosition, maxBatchSize: 100 },
  );
  return {
    stop: async () => {
      stopping.abort();
      await subscription.close();
      await client.close();
    },
  };
}
