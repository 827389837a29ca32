import type { StoredTask } from '../store/task-store.js';
import type { UnitRow } from '../store/unit-store.js';
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
  const rows = await deps.store.resources(taskId);
  // Units are folded as they are read, so a catalog's thousands of results are never in memory together.
  const folds = new Map<number, { fold: ResultFold; parts: number }>();
  for (const row of rows)
    if (row.status === 'PENDING' && fansOut(row.ref.type, deps))
      folds.set(row.index, { fold: new ResultFold(deps.profile.containerKind), parts: 0 });
  const failed: UnitRow[] = [];
  for await (const { unit: u } of unitsOf(deps).each(taskId)) {
    const { result, neededAbove, ...named } = u;
    if (u.status === 'FAILED') failed.push(named);
    const into = folds.get(u.resourceIndex);
    if (!into) continue;
    into.parts++;
    into.fold.add({
      status: u.status as ResourceStatus,
      message: u.message,
      ...(result ? { result } : {}),
      ...(neededAbove ? { neededAbove } : {}),
    });
  }
  for (const row of rows) {
    const into = folds.get(row.index);
    if (!into) continue;
    const top = await syncUnderLock(row.ref, attempt, policies, deps, into.fold.neededOnTop());
    if ('busyMs' in top) return deferTask(keeper, deps, top.busyMs, claimed);
    const outcome = top.status === 'SKIPPED' ? top : into.fold.outcome(into.parts, top);
    if (!(await writeOutcome(keeper, row, outcome, deps))) return 'claimed_elsewhere';
  }
  return finishTask(keeper, deps, policies.snapshot.version, failed);
}
