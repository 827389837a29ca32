import pLimit from 'p-limit';
import type { Log } from '../log.js';
import type { ResourceStateStore } from '../store/resource-state.js';
import { TERMINAL_BUCKETS } from '../store/task-index.js';
import type { TaskStore } from '../store/task-store.js';

export interface RetentionDeps {
  store: TaskStore;
  states: ResourceStateStore;
  log: Log;
  now?: () => Date;
}

export interface RetentionResult {
  /** Finished tasks deleted, each with every row of its partition. */
  tasks: number;
  /** Idempotency keys past their expiry. */
  keys: number;
  /** Resource-state rows idle for the whole retention period. */
  states: number;
}

// A task's rows are its own (a partition, or its id's range of one): each task's deletes are independent round trips.
const CONCURRENCY = 8;

/**
 * Keeps storage to what the retention period needs: deletes tasks that finished more than `retentionDays` ago
 * (found through the index's terminal rows up to that hour, so a run reads what ages out, not every task), expired
 * idempotency keys, and resource-state rows nobody synced or leased within the period. Unfinished tasks are never
 * deleted: the sweeper ends them first. Safe to run twice or to stop halfway: the index row of a task goes last.
 */
export async function deleteExpired(deps: RetentionDeps, retentionDays: number): Promise<RetentionResult> {
  const now = (deps.now ?? (() => new Date()))();
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const result: RetentionResult = { tasks: 0, keys: 0, states: 0 };
  const limit = pLimit(CONCURRENCY);
  const pending: Promise<void>[] = [];
  for (const bucket of TERMINAL_BUCKETS) {
    for await (const entry of deps.store.index.entries(bucket, cutoff)) {
      if (!(Date.parse(entry.finishedAt ?? entry.createdAt) < cutoff.getTime())) continue;
      pending.push(
        limit(async () => {
          const outcome = await deps.store.deleteFinished(entry.taskId, cutoff);
          // Kept: the header is unfinished or finished later than the row says; its own finish puts the row right.
          if (outcome === 'kept') return;
          if (outcome === 'deleted') result.tasks++;
          await deps.store.index.remove(bucket, entry, entry.etag);
        }),
      );
    }
  }
  await Promise.all(pending);
  result.keys = await deps.store.deleteExpiredKeys(now);
  result.states = await deps.states.deleteIdle(cutoff, now);
  deps.log('info', 'retention ran', { ...result, retentionDays, cutoff: cutoff.toISOString() });
  return result;
}
