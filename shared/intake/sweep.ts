import pLimit from 'p-limit';
import type { Log } from '../log.js';
import type { DispatchQueue } from '../store/dispatch-queue.js';
import { unlessStale } from '../store/errors.js';
import type { IndexEntry, QueuedMessage } from '../store/task-index.js';
import { isLeaseLive } from '../store/task-lease.js';
import { sendTaskMessage } from '../store/task-message.js';
import type { StoredTask, TaskStore } from '../store/task-store.js';
import { DEFAULT_MAX_ATTEMPTS } from '../sync/worker-deps.js';
import { isTerminal } from '../task/status.js';
import { dispatchNew } from './create-task.js';

export interface SweepDeps {
  store: TaskStore;
  queue: DispatchQueue;
  log: Log;
  /** TASK_MAX_ATTEMPTS: a task that used them all and is not running is ended FAILED instead of sent again. */
  maxAttempts?: number;
  now?: () => Date;
}

export interface SweepResult {
  /** NEW tasks whose enqueue never happened, now WAITING with a message. */
  redispatched: number;
  /** WAITING or abandoned INPROGRESS tasks whose message was gone, sent again. */
  requeued: number;
  /** Tasks past TASK_MAX_ATTEMPTS with no live attempt, ended FAILED. */
  ended: number;
  /** Index rows their task's header contradicted (a crash between the writes of a status change), put right. */
  repaired: number;
  failed: number;
}

// Header reads and queue checks are independent round trips; a few at a time keep a run short without a burst.
const CONCURRENCY = 8;

/**
 * An OPEN row that records no message this long after its task was created is a lost message: the intake records the
 * message within milliseconds of storing the task (or failed to send it and retries within SEND_RETRY_DELAYS_MS). The
 * sweeper therefore sends such a task's message after this much, not after SWEEP_GRACE_SECONDS (whichever is
 * shorter). A send merely slower than this costs one extra message, which the worker's claim makes harmless.
 */
export const LOST_MESSAGE_GRACE_SECONDS = 10;

/**
 * Finds tasks nothing will finish otherwise, through the index's OPEN rows (unfinished tasks only: a run costs what
 * is unfinished, not what storage holds): WAITING ones stored without a message (a failed or interrupted send: their
 * row records none, LOST_MESSAGE_GRACE_SECONDS after creation), NEW ones stored before tasks were created WAITING,
 * WAITING ones whose message is gone, and INPROGRESS ones whose worker died (lease expired) and whose message is gone too. A message
 * still waiting in the queue is left alone, however long the backlog: sending another would only double the queue.
 * A task that used TASK_MAX_ATTEMPTS attempts is ended FAILED instead. The worker's ETag-guarded claim makes any
 * duplicate message harmless.
 */
export async function sweepStaleTasks(deps: SweepDeps, graceSeconds = 60): Promise<SweepResult> {
  const now = (deps.now ?? (() => new Date()))();
  const recordedBefore = now.getTime() - graceSeconds * 1000;
  const unrecordedBefore = now.getTime() - Math.min(graceSeconds, LOST_MESSAGE_GRACE_SECONDS) * 1000;
  const result: SweepResult = { redispatched: 0, requeued: 0, ended: 0, repaired: 0, failed: 0 };
  // One peek per run: while a message older than a task's own is still at the front, the task's message is in line.
  const front = await deps.queue.frontInsertedAt();
  const limit = pLimit(CONCURRENCY);
  const pending: Promise<void>[] = [];
  // The tasks of a batched message share it: it is looked at once per run, and each of their rows gets the answer.
  const looks = new Map<string, Promise<QueuedMessage | undefined>>();
  const lookAt = (message: QueuedMessage) => {
    let look = looks.get(message.messageId);
    if (!look) looks.set(message.messageId, (look = deps.queue.stillQueued(message, now)));
    return look;
  };
  for await (const entry of deps.store.index.entries('OPEN')) {
    const before = entry.message ? recordedBefore : unrecordedBefore;
    if (!(Date.parse(entry.createdAt) <= before)) continue; // too young to judge
    if (entry.message && inLine(entry.message, front, before)) continue;
    pending.push(
      limit(async () => {
        try {
          const outcome = await sweepOne(deps, entry, now, { before, dropBefore: recordedBefore }, lookAt);
          if (outcome) result[outcome]++;
        } catch (err) {
          result.failed++;
          deps.log('warn', 'sweeper could not re-dispatch a task', {
            taskId: entry.taskId,
            error: (err as Error).message,
          });
        }
      }),
    );
  }
  await Promise.all(pending);
  if (Object.values(result).some((n) => n > 0)) deps.log('info', 'stale tasks swept', { ...result });
  return result;
}

/**
 * A recorded message is still in line while its delay and the grace period have not passed, or while the queue's
 * front holds a message inserted no later than it (approximately first in, first out): looking at it then would
 * only cost requests, and the look itself (an update) sends it to the back of the line.
 */
function inLine(message: QueuedMessage, front: Date | undefined, before: number): boolean {
  const joined = Date.parse(message.queuedAt);
  if (Date.parse(message.visibleAt) > before || joined > before) return true;
  return front !== undefined && front.getTime() <= joined;
}

async function sweepOne(
  deps: SweepDeps,
  entry: IndexEntry,
  now: Date,
  cutoffs: { before: number; dropBefore: number },
  lookAt: (message: QueuedMessage) => Promise<QueuedMessage | undefined>,
): Promise<keyof Omit<SweepResult, 'failed'> | undefined> {
  const { before } = cutoffs;
  const task = await deps.store.get(entry.taskId);
  // No task behind the row (its creation stopped before the header), or one the row does not describe. A creation
  // merely slow between the row and the task transaction must not lose its row: only a row past the full grace goes.
  if (!task && Date.parse(entry.createdAt) > cutoffs.dropBefore) return undefined;
  if (!task || task.header.createdAt !== entry.createdAt) {
    await deps.store.index.remove('OPEN', entry, entry.etag);
    return 'repaired';
  }
  if (isTerminal(task.header.status)) {
    // The header ended but its old row stayed: list it where it belongs, then drop the OPEN row.
    await deps.store.index.put(task.header);
    await deps.store.index.remove('OPEN', entry, entry.etag);
    return 'repaired';
  }
  if (isLeaseLive(task.header, now) || Date.parse(task.header.updatedAt) > before) return undefined;
  if (task.header.status === 'NEW') return (await dispatchNew(deps, task, now)) ? 'redispatched' : undefined;
  if (entry.message) {
    const still = await lookAt(entry.message);
    if (still) {
      await deps.store.index.recordMessage(task.header, still);
      return undefined;
    }
  }
  const maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (task.header.attempt >= maxAttempts) return (await endAtCap(deps, task, maxAttempts, now)) ? 'ended' : undefined;
  await sendTaskMessage(deps, task.header);
  return 'requeued';
}

async function endAtCap(deps: SweepDeps, task: StoredTask, maxAttempts: number, now: Date) {
  const { attempt, lastError } = task.header;
  const message =
    `failed after ${attempt} attempt(s), the most TASK_MAX_ATTEMPTS (${maxAttempts}) allows; ` +
    (lastError
      ? `last error: ${lastError}`
      : 'the last attempt ended without a result (its worker stopped or lost its lease)');
  return unlessStale(() => deps.store.finish(task, 'FAILED', { message }, now));
}
