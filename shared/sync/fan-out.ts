import pLimit from 'p-limit';
import { unlessStale } from '../store/errors.js';
import type { ResourceRow } from '../store/records.js';
import { isLeaseLive, leaseEnd } from '../store/task-lease.js';
import type { StoredTask } from '../store/task-store.js';
import { isUnitFinished, type UnitRow, unitKey } from '../store/unit-store.js';
import type { Attempt, PolicyContext } from './attempt-sync.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { plannedUnits } from './schema-slices.js';
import { giveUpTask } from './task-attempt.js';
import { runTopWork, topWorkUnderLease } from './top-work.js';
import { runUnit } from './unit-run.js';
import {
  clockOf,
  leaseMs,
  logOf,
  maxAttempts,
  queueOf,
  unitsOf,
  type WorkerDeps,
  type WorkerOutcome,
} from './worker-deps.js';

/** Unit messages sent side by side. */
const SEND_CONCURRENCY = 16;

/**
 * Splits a task's databases or catalogs into units, one per schema or slice of a large schema (schema-slices.ts):
 * lists each one's schemas once, writes the unit rows with the task's lease (unit-store.ts), then sends one message
 * per unit. From then on the task stays
 * INPROGRESS, its lease renewed by each unit that finishes, until the last unit's worker runs the top work
 * (top-work.ts). Nothing here throws once the units are written: a message that could not be sent is re-sent by
 * the task's next delivery (resumeFannedOut).
 */
export async function fanOut(
  containers: ResourceRow[],
  keeper: LeaseKeeper<StoredTask>,
  attempt: Attempt,
  ctx: PolicyContext,
  deps: WorkerDeps,
): Promise<WorkerOutcome> {
  const clock = clockOf(deps);
  const taskId = keeper.current.header.taskId;
  const listedAt = clock().toISOString();
  const units: UnitRow[] = [];
  for (const row of containers) {
    (await plannedUnits(row.ref, deps)).forEach(({ ref, tables }, n) =>
      units.push({
        key: unitKey(row.index, n),
        resourceIndex: row.index,
        ref,
        ...(tables ? { tables } : {}),
        status: 'PENDING',
        attempt: 0,
        message: 'waiting for a worker',
        updatedAt: listedAt,
      }),
    );
  }
  const committed = await keeper.write((held) => {
    const now = clock();
    return unitsOf(deps).fanOut(
      held,
      {
        ...held.header,
        unitsTotal: units.length,
        unitsDone: 0,
        unitsFailed: 0,
        leaseUntil: leaseEnd(now, deps.leaseSeconds),
        updatedAt: now.toISOString(),
      },
      units,
    );
  });
  if (!committed) return 'claimed_elsewhere';
  logOf(deps)('info', 'task fanned out', { taskId, units: units.length });
  if (units.length === 0) return runTopWork(keeper, attempt, true, deps, ctx);
  await keeper.stop();
  await dispatchUnits(
    taskId,
    units.map((u) => u.key),
    deps,
  );
  return 'fanned_out';
}

/**
 * A delivery of a task that was fanned out: the sweeper sends one when the task's lease ran out (no unit finished for
 * a lease period), the top work sends one when the database was busy. When every unit has finished, the top work is
 * still to do (its worker died, or it was deferred): it runs here, under a claim of the task, exactly once. Otherwise
 * the units that are neither finished nor leased and have not changed for a lease period lost their message: they
 * get a new one, and the task a new lease period. The sweeper stays unaware of units.
 */
export async function resumeFannedOut(task: StoredTask, deps: WorkerDeps): Promise<WorkerOutcome> {
  const now = clockOf(deps)();
  const h = task.header;
  if (isLeaseLive(h, now)) return 'claimed_elsewhere';
  if ((h.unitsDone ?? 0) >= (h.unitsTotal ?? 0)) {
    if (h.attempt >= maxAttempts(deps)) return giveUpTask(task, deps);
    const claimed = await deps.store.claim(task, deps.leaseSeconds, now);
    if (!claimed) return 'claimed_elsewhere';
    return topWorkUnderLease(claimed, `${h.taskId}#${claimed.header.attempt}`, true, deps);
  }
  // Of two deliveries at once, the one whose write lands re-sends; the other leaves it to it.
  const touched = await unlessStale(() =>
    deps.store.replace({
      ...task,
      header: { ...h, leaseUntil: leaseEnd(now, deps.leaseSeconds), updatedAt: now.toISOString() },
    }),
  );
  if (!touched) return 'claimed_elsewhere';
  const quietSince = now.getTime() - leaseMs(deps);
  // A page of units at a time, keeping only the keys: a catalog's units with their results would not fit a worker.
  const lost: string[] = [];
  for await (const { unit: u } of unitsOf(deps).each(h.taskId)) {
    const leased = u.leaseUntil !== undefined && Date.parse(u.leaseUntil) > now.getTime();
    if (!isUnitFinished(u.status) && !leased && Date.parse(u.updatedAt) < quietSince) lost.push(u.key);
  }
  logOf(deps)('info', 'fanned-out task resumed: units without a live message re-sent', {
    taskId: h.taskId,
    resent: lost.length,
    done: h.unitsDone,
    total: h.unitsTotal,
  });
  await dispatchUnits(h.taskId, lost, deps);
  return 'resent';
}

/** One message per unit; without a queue, the units run here, one after another. */
async function dispatchUnits(taskId: string, keys: string[], deps: WorkerDeps): Promise<void> {
  const queue = queueOf(deps);
  if (!queue) {
    for (const key of keys) await runUnit(taskId, key, deps);
    return;
  }
  const limit = pLimit(SEND_CONCURRENCY);
  const unsent = (
    await Promise.all(
      keys.map((key) =>
        limit(() =>
          queue.send(taskId, 0, key).then(
            () => 0,
            () => 1,
          ),
        ),
      ),
    )
  ).reduce<number>((a, b) => a + b, 0);
  if (unsent > 0)
    logOf(deps)('warn', "unit messages could not be sent; the task's next delivery re-sends them", {
      taskId,
      unsent,
    });
}
