import type { QueueClient } from '@azure/storage-queue';
import { z } from 'zod';
import { announceEnqueued } from '../task/task-events.js';
import { TASK_ID_PATTERN } from '../task/task-id.js';
import { StoreError, statusCodeOf } from './errors.js';
import { STORAGE_REQUEST_TIMEOUT_MS } from './request-timeout.js';
import { UNIT_KEY_PATTERN } from './unit-store.js';

/** A task, or one unit of a fanned-out task (unit-store.ts). */
export const SyncMessageSchema = z.object({
  taskId: z.string().regex(TASK_ID_PATTERN),
  unit: z.string().regex(UNIT_KEY_PATTERN).optional(),
});
export type SyncMessage = z.infer<typeof SyncMessageSchema>;

/** The sync queue. Messages are base64 JSON: the Functions queue trigger decodes base64 by default. */
export class DispatchQueue {
  /**
   * `poison` is `<queue>-poison`, where the Functions host moves a message after its last failed delivery.
   * `timeoutMs` bounds a send, retries included: the queue SDK's own timeout is only a hint to the server.
   */
  constructor(
    readonly client: QueueClient,
    readonly poison: QueueClient,
    private readonly timeoutMs = STORAGE_REQUEST_TIMEOUT_MS,
  ) {}

  async init(): Promise<void> {
    await this.client.createIfNotExists();
    await this.poison.createIfNotExists();
  }

  async send(taskId: string, delaySeconds = 0, unit?: string): Promise<void> {
    const message: SyncMessage = unit === undefined ? { taskId } : { taskId, unit };
    const body = Buffer.from(JSON.stringify(message)).toString('base64');
    try {
      await this.client.sendMessage(body, {
        abortSignal: AbortSignal.timeout(this.timeoutMs),
        ...(delaySeconds > 0 ? { visibilityTimeout: delaySeconds } : {}),
      });
      if (delaySeconds === 0) announceEnqueued();
    } catch (err) {
      throw new StoreError(
        'STORAGE_UNAVAILABLE',
        `sync queue is unavailable (${statusCodeOf(err) ?? (err as Error).message})`,
      );
    }
  }
}
