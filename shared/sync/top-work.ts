import type { StoredTask } from '../store/task-store.js';
import type { ResourceStatus } from '../task/status.js';
import { type Attempt, type PolicyContext, policyContext, syncUnderLock } from './attempt-sync.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { ResultFold } from './result-fold.js';
import { deferTask, finishTask, writeOutcome } from './task-attempt.js';
import { fansOut, unitsOf, type WorkerDeps, type WorkerOutcome } from './worker-deps.js';

/**
 * The last step of a fanned-out task, once every unit has finished, run by whoever holds the task's lease then (the
 * worker whose unit finished last, or the task's next delivery if that worker died): each database's or catalog's
 * own sync, knowing the grants its units need on it (their neededAbove), so the top never revokes what they granted;
 * its result folded with its units' into the requested resource's one result; then the task's end. It runs under the
 * database's own resource lock. `claimed`: the delivery made a claim (counted as an attempt) to run it.
 */
export async function runTopWork(
  keeper: LeaseKeeper<StoredTask>,
  attempt: Attempt,
  claimed: boolean,
  deps: WorkerDeps,
  ctx?: PolicyContext,
): Promise<WorkerOutcome> {
  const policies = ctx ?? (await policyContext(deps));
  const taskId = keeper.current.header.taskId;
  const [rows, stored] = await Promise.all([deps.store.resources(taskId), unitsOf(deps).list(taskId)]);
  const units = stored.map((s) => s.unit);
  for (const row of rows) {
    if (row.status !== 'PENDING' || !fansOut(row.ref.type, deps)) continue;
    const parts = units.filter((u) => u.resourceIndex === row.index);
    const fold = new ResultFold(deps.profile.containerKind);
    for (const u of parts)
      fold.add({
        status: u.status as ResourceStatus,
        message: u.message,
        ...(u.result ? { result: u.result } : {}),
        ...(u.neededAbove ? { neededAbove: u.neededAbove } : {}),
      });
    const top = await syncUnderLock(row.ref, attempt, policies, deps, fold.neededOnTop());
    if ('busyMs' in top) return deferTask(keeper, deps, top.busyMs, claimed);
    const outcome = top.status === 'SKIPPED' ? top : fold.outcome(parts.length, top);
    if (!(await writeOutcome(keeper, row, outcome, deps))) return 'claimed_elsewhere';
  }
  return finishTask(
    keeper,
    deps,
    policies.snapshot.version,
    units.filter((u) => u.status === 'FAILED'),
  );
}
