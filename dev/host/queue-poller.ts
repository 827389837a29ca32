import type { StorageQueueFunctionOptions } from '@azure/functions';
import type { QueueClient } from '@azure/storage-queue';
import { onEnqueued } from '../../shared/task/task-events.js';
import type { HostSettings } from './host-json.js';
import { type HostLog, invocationContext } from './invocation.js';

export interface Poller {
  stop(): Promise<void>;
}

/**
 * The Functions queue trigger's semantics on a plain loop: base64 JSON messages, a visibility timeout while a
 * message is handled, redelivery after a failure, and `<queue>-poison` after `maxDequeueCount` failures.
 * It polls again at once while there is work and backs off to `maxPollingMs` when idle.
 */
export function startQueuePoller(
  name: string,
  options: StorageQueueFunctionOptions,
  queue: QueueClient,
  poison: QueueClient,
  host: HostSettings,
  log: HostLog,
  leaseMs = 30_000,
): Poller {
  let stopped = false;
  let wake: (() => void) | undefined;
  const inFlight = new Set<Promise<void>>();

  const handleOne = async (m: {
    messageId: string;
    popReceipt: string;
    messageText: string;
    dequeueCount: number;
    insertedOn: Date;
    expiresOn: Date;
    nextVisibleOn?: Date;
  }) => {
    const decoded = Buffer.from(m.messageText, 'base64').toString('utf8');
    let payload: unknown = decoded;
    try {
      payload = JSON.parse(decoded);
    } catch {
      /* the host passes non-JSON text through as a string */
    }
    // The queue trigger's binding data (Id, PopReceipt, DequeueCount, InsertionTime, ExpirationTime, NextVisibleTime),
    // camel-cased as a Node handler receives it.
    const context = invocationContext(name, log, {
      id: m.messageId,
      popReceipt: m.popReceipt,
      dequeueCount: m.dequeueCount,
      insertionTime: m.insertedOn.toISOString(),
      expirationTime: m.expiresOn.toISOString(),
      ...(m.nextVisibleOn ? { nextVisibleTime: m.nextVisibleOn.toISOString() } : {}),
    });
    try {
      await options.handler(payload, context);
      await queue.deleteMessage(m.messageId, m.popReceipt);
    } catch (err) {
      if (m.dequeueCount >= host.maxDequeueCount) {
        await poison.sendMessage(m.messageText);
        await queue.deleteMessage(m.messageId, m.popReceipt);
        log({
          level: 'error',
          functionName: name,
          message: 'message moved to the poison queue',
          messageId: m.messageId,
          error: (err as Error).message,
        });
      } else {
        await queue.updateMessage(m.messageId, m.popReceipt, undefined, Math.ceil(host.visibilityTimeoutMs / 1000));
      }
    }
  };

  let idle = 50;
  const loop = async () => {
    while (!stopped) {
      let got = 0;
      try {
        const free = host.batchSize - inFlight.size;
        if (free > 0) {
          const { receivedMessageItems } = await queue.receiveMessages({
            numberOfMessages: Math.min(32, free),
            visibilityTimeout: Math.ceil(leaseMs / 1000),
          });
          got = receivedMessageItems.length;
          for (const m of receivedMessageItems) {
            const p: Promise<void> = handleOne(m)
              .catch((err: unknown) =>
                log({
                  level: 'error',
                  functionName: name,
                  message: 'queue bookkeeping failed',
                  error: (err as Error).message,
                }),
              )
              .finally(() => {
                inFlight.delete(p);
                wake?.();
              });
            inFlight.add(p);
          }
        }
      } catch (err) {
        log({ level: 'warn', functionName: name, message: 'queue poll failed', error: (err as Error).message });
      }
      if (got > 0) {
        idle = 50;
        continue;
      }
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, idle);
      });
      wake = undefined;
      idle = Math.min(idle * 2, host.maxPollingMs);
    }
  };
  // A task enqueued in this process is picked up at once, not at the next idle poll.
  const stopListening = onEnqueued(() => {
    idle = 50;
    wake?.();
  });
  const running = loop();

  return {
    stop: async () => {
      stopped = true;
      stopListening();
      wake?.();
      await running;
      await Promise.allSettled([...inFlight]);
    },
  };
}
