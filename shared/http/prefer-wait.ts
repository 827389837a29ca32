import type { StoredTask, TaskStore } from '../store/task-store.js';
import { isTerminal } from '../task/status.js';
import { onTerminal } from '../task/task-events.js';

/** Far below the Functions HTTP limit (230 s), so a waited call never outlives its front end. */
export const MAX_WAIT_SECONDS = 60;

/** `Prefer: wait=N` (RFC 7240), among other preferences; capped; undefined when absent or malformed. */
export function preferredWait(prefer: string | null): number | undefined {
  if (!prefer) return undefined;
  for (const part of prefer.split(',')) {
    const m = /^\s*wait\s*=\s*"?(\d{1,6})"?\s*$/i.exec(part.split(';')[0] ?? '');
    if (m) return Math.min(Number(m[1]), MAX_WAIT_SECONDS);
  }
  return undefined;
}

/**
 * Re-reads the task until it is terminal or `seconds` pass: with backoff from 50 ms to 1 s between reads (no
 * busy loop), and at once when this instance's worker announces the task finished.
 */
export async function awaitTerminal(store: TaskStore, task: StoredTask, seconds: number): Promise<StoredTask> {
  const deadline = Date.now() + seconds * 1000;
  let current = task;
  for (let delay = 50; !isTerminal(current.header.status); delay = Math.min(delay * 2, 1000)) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(delay, remaining));
      const stop = onTerminal(current.header.taskId, done);
      function done() {
        clearTimeout(timer);
        stop();
        resolve();
      }
    });
    current = (await store.get(current.header.taskId)) ?? current;
  }
  return current;
}
