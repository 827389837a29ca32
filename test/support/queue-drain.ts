import { type SyncMessage, SyncMessageSchema } from '../../shared/store/dispatch-queue.js';
import { runDelivery, type WorkerDeps, type WorkerOutcome } from '../../shared/sync/worker.js';
import type { TestStorage } from './storage.js';

export interface Received {
  message: SyncMessage;
  remove(): Promise<unknown>;
}

/** Up to `max` messages of the sync queue, hidden for a minute, as a queue trigger receives them. */
export async function receive(storage: Pick<TestStorage, 'queue'>, max = 32): Promise<Received[]> {
  const { receivedMessageItems } = await storage.queue.client.receiveMessages({
    numberOfMessages: max,
    visibilityTimeout: 60,
  });
  return receivedMessageItems.map((m) => ({
    message: SyncMessageSchema.parse(JSON.parse(Buffer.from(m.messageText, 'base64').toString())),
    remove: () => storage.queue.client.deleteMessage(m.messageId, m.popReceipt),
  }));
}

/** Delivers queue messages to up to `workers` concurrent workers until the queue stays empty, as the host would. */
export async function drain(
  storage: Pick<TestStorage, 'queue'>,
  workers: number,
  deps: WorkerDeps,
): Promise<WorkerOutcome[]> {
  const outcomes: WorkerOutcome[] = [];
  let idle = 0;
  const deadline = Date.now() + 60_000;
  while (idle < 3 && Date.now() < deadline) {
    const batch = await receive(storage, workers);
    if (batch.length === 0) {
      idle++;
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    idle = 0;
    await Promise.all(
      batch.map(async (m) => {
        outcomes.push(await runDelivery(m.message, deps).catch(() => 'task_missing' as const));
        await m.remove();
      }),
    );
  }
  return outcomes;
}
