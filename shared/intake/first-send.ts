import type { Log } from '../log.js';
import type { DispatchQueue } from '../store/dispatch-queue.js';
import type { TaskHeader } from '../store/records.js';
import { sendTasksMessage } from '../store/task-message.js';
import type { TaskStore } from '../store/task-store.js';

/** When a failed first send is tried again in this process: a queue that hiccupped is back within seconds. */
export const SEND_RETRY_DELAYS_MS: readonly number[] = [1_000, 3_000];

interface SendDeps {
  store: TaskStore;
  queue: DispatchQueue;
  log?: Log | undefined;
  sendRetryDelaysMs?: readonly number[] | undefined;
}

/**
 * Sends the first message of tasks already stored WAITING. A send that fails does not fail the caller: the tasks are
 * stored, and their index rows carry no message, which is what a lost message looks like to the sweeper
 * (LOST_MESSAGE_GRACE_SECONDS, sweep.ts). Before that, this process tries again after SEND_RETRY_DELAYS_MS; a host
 * that freezes or stops the process after answering leaves it to the sweeper alone.
 */
export async function sendFirstMessage(
  deps: SendDeps,
  tasks: Pick<TaskHeader, 'taskId' | 'createdAt'>[],
): Promise<'sent' | 'retrying'> {
  try {
    await sendTasksMessage(deps, tasks);
    return 'sent';
  } catch (err) {
    deps.log?.('warn', 'tasks stored but their message could not be sent; a retry or the sweeper will send it', {
      taskIds: tasks.map((t) => t.taskId),
      error: (err as Error).message,
    });
    void retryLater(deps, tasks);
    return 'retrying';
  }
}

async function retryLater(deps: SendDeps, tasks: Pick<TaskHeader, 'taskId' | 'createdAt'>[]): Promise<void> {
  const delays = deps.sendRetryDelaysMs ?? SEND_RETRY_DELAYS_MS;
  if (delays.length === 0) return;
  for (const delay of delays) {
    await new Promise((resolve) => setTimeout(resolve, delay).unref());
    try {
      await sendTasksMessage(deps, tasks);
      return;
    } catch {
      // the next delay, then the sweeper
    }
  }
  deps.log?.('warn', 'tasks still without a message; the sweeper will send it', {
    taskIds: tasks.map((t) => t.taskId),
  });
}
