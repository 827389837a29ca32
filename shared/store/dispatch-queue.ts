import type { QueueClient } from '@azure/storage-queue';
import { z } from 'zod';
import { announceEnqueued } from '../task/task-events.js';
import { TASK_ID_PATTERN } from '../task/task-id.js';
import { StoreError, statusCodeOf } from './errors.js';
import { STORAGE_REQUEST_TIMEOUT_MS } from './request-timeout.js';
import type { QueuedMessage } from './task-index.js';
import { UNIT_KEY_PATTERN } from './unit-store.js';

/** How many tasks one message may name: an Event Hub batch's tasks travel together, each still claimed on its own. */
export const TASKS_PER_MESSAGE = 32;

const TaskIdSchema = z.string().regex(TASK_ID_PATTERN);

/**
 * A task, one unit of a fanned-out task (unit-store.ts), or up to TASKS_PER_MESSAGE tasks run in turn: `taskId`
 * first, then `more`. A worker that predates `more` runs the first task only and the message is deleted; the
 * others' index rows still name it, so the sweeper finds it gone and sends each of them again.
 */
export const SyncMessageSchema = z
  .object({
    taskId: TaskIdSchema,
    unit: z.string().regex(UNIT_KEY_PATTERN).optional(),
    more: z
      .array(TaskIdSchema)
      .min(1)
      .max(TASKS_PER_MESSAGE - 1)
      .optional(),
  })
  .refine((m) => m.unit === undefined || m.more === undefined, { message: 'a unit message names one task' });
export type SyncMessage = z.infer<typeof SyncMessageSchema>;

/** The tasks a message names, in the order the worker runs them. */
export const tasksOf = (m: Pick<SyncMessage, 'taskId' | 'more'>): string[] => [m.taskId, ...(m.more ?? [])];

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

  async init(signal?: AbortSignal): Promise<void> {
    await this.client.createIfNotExists({ abortSignal: signal });
    await this.poison.createIfNotExists({ abortSignal: signal });
  }

  /** Sends a task's (or one of its units') message; answers what identifies it, for the sweeper's later look (`stillQueued`). */
  async send(taskId: string, delaySeconds = 0, unit?: string): Promise<QueuedMessage> {
    return this.sendMessage(unit === undefined ? { taskId } : { taskId, unit }, delaySeconds);
  }

  /** One message naming several tasks (at most TASKS_PER_MESSAGE); the worker runs them in turn. */
  async sendTasks(taskIds: string[]): Promise<QueuedMessage> {
    if (taskIds.length === 0 || taskIds.length > TASKS_PER_MESSAGE)
      throw new RangeError(`a message names 1 to ${TASKS_PER_MESSAGE} tasks, not ${taskIds.length}`);
    const [taskId, ...more] = taskIds as [string, ...string[]];
    return this.sendMessage(more.length === 0 ? { taskId } : { taskId, more });
  }

  private async sendMessage(message: SyncMessage, delaySeconds = 0): Promise<QueuedMessage> {
    const body = Buffer.from(JSON.stringify(message)).toString('base64');
    try {
      const sent = await this.client.sendMessage(body, {
        abortSignal: AbortSignal.timeout(this.timeoutMs),
        ...(delaySeconds > 0 ? { visibilityTimeout: delaySeconds } : {}),
      });
      if (delaySeconds === 0) announceEnqueued();
      return {
        messageId: sent.messageId,
        popReceipt: sent.popReceipt,
        queuedAt: sent.insertedOn.toISOString(),
        visibleAt: sent.nextVisibleOn.toISOString(),
      };
    } catch (err) {
      throw unavailable(err);
    }
  }

  /**
   * Whether `message` still waits in the queue, never delivered since it was recorded: an Update Message with its pop
   * receipt succeeds only then. Put Message's pop receipt stops working once the message is dequeued ("if deletion
   * fails using this popreceipt then the message has been dequeued by another client", EnqueuedMessage,
   * learn.microsoft.com/javascript/api/@azure/storage-queue/enqueuedmessage), and a deleted message answers 404
   * MessageNotFound (learn.microsoft.com/rest/api/storageservices/queue-service-error-codes). The update keeps the
   * message's content and the rest of its delay, and hands out a new pop receipt, returned here; undefined when the
   * message was delivered or deleted since.
   */
  async stillQueued(message: QueuedMessage, now: Date): Promise<QueuedMessage | undefined> {
    const delaySeconds = Math.max(0, Math.ceil((Date.parse(message.visibleAt) - now.getTime()) / 1000));
    try {
      const updated = await this.client.updateMessage(message.messageId, message.popReceipt, undefined, delaySeconds, {
        abortSignal: AbortSignal.timeout(this.timeoutMs),
      });
      return {
        messageId: message.messageId,
        popReceipt: updated.popReceipt ?? '',
        queuedAt: now.toISOString(),
        visibleAt: (updated.nextVisibleOn ?? now).toISOString(),
      };
    } catch (err) {
      const status = statusCodeOf(err);
      // 400 PopReceiptMismatch: the message exists but another client dequeued it since.
      if (status === 404 || (status === 400 && errorCodeOf(err) === 'PopReceiptMismatch')) return undefined;
      throw unavailable(err);
    }
  }

  /** When the message at the front of the queue (the next to be delivered) was inserted; undefined when none is visible. */
  async frontInsertedAt(): Promise<Date | undefined> {
    try {
      const peeked = await this.client.peekMessages({
        numberOfMessages: 1,
        abortSignal: AbortSignal.timeout(this.timeoutMs),
      });
      return peeked.peekedMessageItems[0]?.insertedOn;
    } catch (err) {
      throw unavailable(err);
    }
  }
}

const unavailable = (err: unknown) =>
  new StoreError('STORAGE_UNAVAILABLE', `sync queue is unavailable (${statusCodeOf(err) ?? (err as Error).message})`);

const errorCodeOf = (err: unknown) => (err as { code?: unknown }).code;
