import { type SyncMessage, tasksOf } from '../store/dispatch-queue.js';
import { unlessStale } from '../store/errors.js';
import type { ResourceRow } from '../store/records.js';
import { isLeaseLive } from '../store/task-lease.js';
import type { StoredTask } from '../store/task-store.js';
import { isTerminal } from '../task/status.js';
import { inDeliverySpan } from '../telemetry/task-telemetry.js';
import { type Attempt, policyContext, syncUnderLock } from './attempt-sync.js';
import { fanOut, resumeFannedOut } from './fan-out.js';
import { expandPolicyTask } from './policy-task.js';
import { syncPrincipalTask } from './principal-sync.js';
import { deferTask, failedTaskAttempt, finishTask, giveUpTask, headerKeeper, writeOutcome } from './task-attempt.js';
import { runTasksInTurn } from './tasks-in-turn.js';
import { runUnit } from './unit-run.js';
import { clockOf, fansOut, logOf, maxAttempts, type WorkerDeps, type WorkerOutcome } from './worker-deps.js';

export type { WorkerDeps, WorkerOutcome } from './worker-deps.js';

/** One queue message: a task, one unit of a fanned-out task, or several tasks run in turn. */
export const runDelivery = (message: SyncMessage, deps: WorkerDeps): Promise<WorkerOutcome> =>
  message.unit !== undefined
    ? runUnit(message.taskId, message.unit, deps)
    : message.more !== undefined
      ? runTasksInTurn(tasksOf(message), (taskId) => runTask(taskId, deps), logOf(deps))
      : runTask(message.taskId, deps);

/**
 * Runs one queue delivery of a task. Safe to run twice: a terminal task is left alone, a task another worker
 * holds a live lease on is left to it, and resources already finished are not synced again. The task's resources
 * are synced here one after another, each result written with the lease (lease-guarded-write.ts); a database or
 * catalog is split into units that run on their own messages (fan-out.ts). Attempts are capped (TASK_MAX_ATTEMPTS):
 * the attempt that fails at the cap, or a claim that would pass it, ends the task FAILED with the last error.
 */
export async function runTask(taskId: string, deps: WorkerDeps): Promise<WorkerOutcome> {
  const task = await deps.store.get(taskId);
  if (!task) {
    logOf(deps)('warn', 'queue message names a task that does not exist; dropping it', { taskId });
    return 'task_missing';
  }
  return inDeliverySpan(task.header, undefined, () => attemptTask(task, deps));
}

async function attemptTask(task: StoredTask, deps: WorkerDeps): Promise<WorkerOutcome> {
  const clock = clockOf(deps);
  const log = logOf(deps);
  const taskId = task.header.taskId;
  if (isTerminal(task.header.status)) return 'already_terminal';
  if (task.header.unitsTotal !== undefined) return resumeFannedOut(task, deps);
  if (isLeaseLive(task.header, clock())) return 'claimed_elsewhere';
  if (task.header.attempt >= maxAttempts(deps)) return giveUpTask(task, deps);
  const claimed = await deps.store.claim(task, deps.leaseSeconds, clock());
  if (!claimed) return 'claimed_elsewhere';

  const keeper = headerKeeper(claimed, deps);
  try {
    if (claimed.header.type === 'PRINCIPAL_SYNC') {
      const done = await syncPrincipalTask(keeper.current, deps, clock, (row, outcome) =>
        writeOutcome(keeper, row, outcome, deps),
      );
      if (done.kind === 'lost') return 'claimed_elsewhere';
      if (done.kind === 'busy') return await deferTask(keeper, deps, done.retryAfterMs);
      return await finishTask(keeper, deps, null);
    }
    const ctx = await policyContext(deps);
    // A POLICY_SYNC names policies: its resources are what they cover at the version this attempt reads.
    if (claimed.header.type === 'POLICY_SYNC' && claimed.header.resourceCount === 0) {
      const expanded = await keeper.write((held) =>
        unlessStale(() => expandPolicyTask(held, ctx.snapshot, deps, clock())),
      );
      if (!expanded) return 'claimed_elsewhere';
    }
    const attempt: Attempt = {
      owner: `${taskId}#${claimed.header.attempt}`,
      taskCreatedAt: new Date(claimed.header.createdAt),
      dryRun: claimed.header.dryRun,
      keeper,
    };
    const containers: ResourceRow[] = [];
    for (const row of await deps.store.resources(taskId)) {
      if (row.status !== 'PENDING') continue;
      if (fansOut(row.ref.type, deps)) {
        containers.push(row);
        continue;
      }
      const outcome = await syncUnderLock(row.ref, attempt, ctx, deps);
      if ('busyMs' in outcome) return await deferTask(keeper, deps, outcome.busyMs);
      if (!(await writeOutcome(keeper, row, outcome, deps))) return 'claimed_elsewhere';
      log(outcome.status === 'FAILED' ? 'warn' : 'info', 'resource synced', {
        taskId,
        index: row.index,
        type: row.ref.type,
        status: outcome.status,
      });
    }
    if (containers.length > 0) return await fanOut(containers, keeper, attempt, ctx, deps);
    return await finishTask(keeper, deps, ctx.snapshot.version);
  } catch (err) {
    log('error', 'task attempt failed', {
      taskId,
      attempt: claimed.header.attempt,
      error: err instanceof Error ? err.message : String(err),
    });
    await failedTaskAttempt(keeper, err, deps);
    throw err;
  } finally {
    await keeper.stop();
  }
}
