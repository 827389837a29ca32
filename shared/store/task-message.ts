import type { DispatchQueue } from './dispatch-queue.js';
import type { TaskHeader } from './records.js';
import type { TaskStore } from './task-store.js';

type MessageDeps = { store: TaskStore; queue: DispatchQueue };
type Named = Pick<TaskHeader, 'taskId' | 'createdAt'>;

/**
 * Sends a task's message and records on its index row what identifies it, so the sweeper re-sends only a message
 * that is really gone. Recording is best effort: without it the sweeper cannot see the message and sends one more,
 * which the worker's ETag-guarded claim makes harmless.
 */
export async function sendTaskMessage(deps: MessageDeps, task: Named, delaySeconds = 0): Promise<void> {
  const sent = await deps.queue.send(task.taskId, delaySeconds);
  await deps.store.index.recordMessage(task, sent).catch(() => undefined);
}

/**
 * One message naming every task of `tasks` (at most TASKS_PER_MESSAGE), recorded on each task's index row; the rows
 * are written side by side, so the group commit puts them into shared transactions. Best effort as above.
 */
export async function sendTasksMessage(deps: MessageDeps, tasks: Named[]): Promise<void> {
  const sent =
    tasks.length === 1
      ? await deps.queue.send(tasks[0]!.taskId)
      : await deps.queue.sendTasks(tasks.map((t) => t.taskId));
  await Promise.all(tasks.map((t) => deps.store.index.recordMessage(t, sent).catch(() => undefined)));
}
