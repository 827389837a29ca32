import type { DispatchQueue } from './dispatch-queue.js';
import type { TaskHeader } from './records.js';
import type { TaskStore } from './task-store.js';

/**
 * Sends a task's message and records on its index row what identifies it, so the sweeper re-sends only a message
 * that is really gone. Recording is best effort: without it the sweeper cannot see the message and sends one more,
 * which the worker's ETag-guarded claim makes harmless.
 */
export async function sendTaskMessage(
  deps: { store: TaskStore; queue: DispatchQueue },
  task: Pick<TaskHeader, 'taskId' | 'createdAt'>,
  delaySeconds = 0,
): Promise<void> {
  const sent = await deps.queue.send(task.taskId, delaySeconds);
  await deps.store.index.recordMessage(task, sent).catch(() => undefined);
}
