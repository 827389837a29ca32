import type { StoredTask } from '../store/task-store.js';
import type { UnitRow } from '../store/unit-store.js';
import type { ResourceStatus } from '../task/status.js';
import { type Attempt, type PolicyContext, policyContext, syncUnderLock } from './attempt-sync.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { ResultFold } from './result-fold.js';
import { SlicedSchemas } from './schema-own.js';
import { deferTask, failedTaskAttempt, finishTask, headerKeeper, writeOutcome } from './task-attempt.js';
import { fansOut, unitsOf, type WorkerDeps, type WorkerOutcome } from './worker-deps.js';

/**
 * The top work under `lease`, the task's lease that the caller's write just took (the last unit's settling, or a claim
 * of the task), renewed while it runs; a failure counts as the attempt's.
 */
export async function topWorkUnderLease(
  lease: StoredTask,
  owner: string,
  claimed: boolean,
  deps: WorkerDeps,
): Promise<WorkerOutcome> {
  const keeper = headerKeeper(lease, deps);
  const h = lease.header;
  const attempt: Attempt = { owner, taskCreatedAt: new Date(h.createdAt), dryRun: h.dryRun, keeper };
  try {
    return await runTopWork(keeper, attempt, claimed, deps);
  } catch (err) {
    await failedTaskAttempt(keeper, err, deps);
    throw err;
  } finally {
    await keeper.stop();
  }
}

/**
 * The last step of a fanned-out task, once every unit has finished, run by whoever holds the task's lease then (the
 * worker whose unit finished last, or the task's next delivery if that worker died): each database's or catalog's
 * own sync, knowing the grants its units need on it (their needs, unit-needs.ts), so the top never revokes what they
 * granted; before it, the own part of each schema its units cut into slices (schema-own.ts); their results folded with
 * the units' into the requested resource's one result; then the task's end. It runs under the database's own
 * resource lock. `claimed`: the delivery made a claim (counted as an attempt) to run it.
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
  const folds = new Map(
    rows
      .filter((row) => row.status === 'PENDING' && fansOut(row.ref.type, deps))
      .map((row) => [row.index, new ResultFold(deps.profile.containerKind)]),
  );
  // Units are folded as they are read, so a catalog's thousands of results are never in memory together; what is kept
  // of each is its key, place, status and needs.
  const units: UnitRow[] = [];
  for await (const { unit } of unitsOf(deps).each(taskId)) {
    const { result, ...kept } = unit;
    units.push(kept);
    folds.get(unit.resourceIndex)?.add({
      status: unit.status as ResourceStatus,
      message: unit.message,
      ...(result ? { result } : {}),
    });
  }
  const sliced = new SlicedSchemas(units, deps);
  const indexOf = new Map(units.map((u) => [u.key, u.resourceIndex]));
  await unitsOf(deps).needs(taskId, units, (key, grants) => {
    folds.get(indexOf.get(key) ?? -1)?.need(grants);
    sliced.need(key, grants);
  });
  for (const row of rows) {
    const fold = folds.get(row.index);
    if (!fold) continue;
    const busy = await sliced.syncOwn(row.index, attempt, policies, deps, (own) => fold.add(own));
    if (busy) return deferTask(keeper, deps, busy.busyMs, claimed);
    const top = await syncUnderLock(row.ref, attempt, policies, deps, fold.neededOnTop());
    if ('busyMs' in top) return deferTask(keeper, deps, top.busyMs, claimed);
    // Slices of one schema are one schema to the reader of the result.
    const parts = units.filter((u) => u.resourceIndex === row.index);
    const schemas = new Set(parts.map((u) => JSON.stringify(deps.profile.resourcePath(u.ref)))).size;
    const outcome = top.status === 'SKIPPED' ? top : fold.outcome(schemas, top);
    if (!(await writeOutcome(keeper, row, outcome, deps))) return 'claimed_elsewhere';
  }
  return finishTask(
    keeper,
    deps,
    policies.snapshot.version,
    units.filter((u) => u.status === 'FAILED'),
  );
}
