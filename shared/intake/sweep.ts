import type { Log } from '../log.js';
import type { DispatchQueue } from '../store/dispatch-queue.js';
import { unlessStale } from '../store/errors.js';
import { isLeaseLive } from '../store/task-lease.js';
import type { TaskStore } from '../store/task-store.js';
import { dispatchNew } from './create-task.js';

export interface SweepDeps {
  store: TaskStore;
  queue: DispatchQueue;
  log: Log;
  now?: () => Date;
}

export interface SweepResult {
  redispatched: number;
  requeued: number;
  failed: number;
}

/**
 * Finds tasks nothing will finish otherwise and puts them back on the queue: NEW ones whose enqueue failed
 * after they were stored, WAITING ones whose message was lost, and INPROGRESS ones whose worker died (their
 * lease expired; the next worker takes them over). The worker's ETag-guarded claim makes a duplicate message
 * harmless.
 */
export async function sweepStaleTasks(deps: SweepDeps, graceSeconds = 60): Promise<SweepResult> {
  const now = (deps.now ?? (() => new Date()))();
  const before = new Date(now.getTime() - graceSeconds * 1000);
  const result: SweepResult = { redispatched: 0, requeued: 0, failed: 0 };
  for await (const task of deps.store.stale(['NEW', 'WAITING', 'INPROGRESS'], before)) {
    try {
      if (isLeaseLive(task.header, now)) continue;
      if (task.header.status === 'NEW') {
        if (!(await dispatchNew(deps, task, now))) continue;
        result.redispatched++;
      } else {
        // Touch the row so the next sweep waits another grace period before sending again - before the message,
        // so that the touch cannot land between a worker's read and its ETag-guarded claim.
        if (
          !(await unlessStale(() =>
            deps.store.replace({ ...task, header: { ...task.header, updatedAt: now.toISOString() } }),
          ))
        )
          continue;
        await deps.queue.send(task.header.taskId);
        result.requeued++;
      }
    } catch (err) {
      result.failed++;
      deps.log('warn', 'sweeper could not re-dispatch a task', {
        taskId: task.header.taskId,
        error: (err as Error).message,
      });
    }
  }
  if (result.redispatched + result.requeued + result.failed > 0) deps.log('info', 'stale tasks swept', { ...result });
  return result;
}
