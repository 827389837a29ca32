import { leaseEnd } from '../store/task-lease.js';
import type { StoredTask } from '../store/task-store.js';
import { isUnitFinished, type StoredUnit } from '../store/unit-store.js';
import { isTerminal } from '../task/status.js';
import { inDeliverySpan } from '../telemetry/task-telemetry.js';
import { type Attempt, policyContext, syncUnderLock } from './attempt-sync.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { ResourceOutcome } from './resource-sync.js';
import { type Final, settleTogether } from './settle-together.js';
import { delaySeconds } from './task-attempt.js';
import { topWorkUnderLease } from './top-work.js';
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

/**
 * Runs one delivery of a unit of a fanned-out task: claims it (ETag; a live lease elsewhere or a finished unit is
 * left alone), syncs its schema under the schema's resource lock with its lease renewed in the background, and
 * settles it: its final row and the task's counts in one transaction. The worker whose unit makes the count
 * complete runs the task's top work under the task's lease. Attempts are capped like a task's.
 */
export async function runUnit(taskId: string, key: string, deps: WorkerDeps): Promise<WorkerOutcome> {
  const [task, stored] = await Promise.all([deps.store.get(taskId), unitsOf(deps).get(taskId, key)]);
  if (!task || !stored) {
    logOf(deps)('warn', 'queue message names a unit that does not exist; dropping it', { taskId, unit: key });
    return 'task_missing';
  }
  return inDeliverySpan(task.header, key, () => attemptUnit(task, stored, deps));
}

async function attemptUnit(task: StoredTask, stored: StoredUnit, deps: WorkerDeps): Promise<WorkerOutcome> {
  const clock = clockOf(deps);
  const log = logOf(deps);
  const units = unitsOf(deps);
  const taskId = task.header.taskId;
  const key = stored.unit.key;
  if (isTerminal(task.header.status) || isUnitFinished(stored.unit.status)) return 'already_terminal';
  const now = clock();
  if (stored.unit.leaseUntil !== undefined && Date.parse(stored.unit.leaseUntil) > now.getTime())
    return 'claimed_elsewhere';
  const cap = maxAttempts(deps);
  if (stored.unit.attempt >= cap) {
    return settle(
      taskId,
      stored,
      {
        status: 'FAILED',
        message: `gave up after ${stored.unit.attempt} attempt(s) (TASK_MAX_ATTEMPTS is ${cap}); last error: ${stored.unit.lastError ?? 'none recorded (the worker stopped without one)'}`,
      },
      `${taskId}/${key}#${stored.unit.attempt}`,
      deps,
    );
  }
  const claimed = await units.replace(taskId, stored, {
    ...stored.unit,
    status: 'INPROGRESS',
    attempt: stored.unit.attempt + 1,
    leaseUntil: leaseEnd(now, deps.leaseSeconds),
    updatedAt: now.toISOString(),
  });
  if (!claimed) return 'claimed_elsewhere';
  const owner = `${taskId}/${key}#${claimed.unit.attempt}`;
  const keeper = new LeaseKeeper<StoredUnit>(
    claimed,
    (held) => {
      const at = clock();
      return units.replace(taskId, held, {
        ...held.unit,
        leaseUntil: leaseEnd(at, deps.leaseSeconds),
        updatedAt: at.toISOString(),
      });
    },
    leaseMs(deps),
    () => clock().getTime(),
  );
  const attempt: Attempt = {
    owner,
    taskCreatedAt: new Date(task.header.createdAt),
    dryRun: task.header.dryRun,
    keeper,
    unit: true,
  };
  let outcome: ResourceOutcome;
  try {
    const part = claimed.unit.tables ? { tables: claimed.unit.tables } : undefined;
    const synced = await syncUnderLock(claimed.unit.ref, attempt, await policyContext(deps), deps, undefined, part);
    if ('busyMs' in synced) {
      // A deferral is not a failed attempt: the claim is given back uncounted.
      await keeper.write((held) =>
        units.replace(taskId, held, {
          ...held.unit,
          status: 'PENDING',
          attempt: held.unit.attempt - 1,
          leaseUntil: clock().toISOString(),
          updatedAt: clock().toISOString(),
        }),
      );
      await queueOf(deps)!.send(taskId, delaySeconds(synced.busyMs), key);
      return 'deferred';
    }
    outcome = synced;
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log('error', 'unit attempt failed', { taskId, unit: key, attempt: claimed.unit.attempt, error });
    await keeper.stop();
    if (keeper.lost) throw err;
    if (keeper.current.unit.attempt >= cap) {
      return settle(
        taskId,
        keeper.current,
        {
          status: 'FAILED',
          message: `failed after ${keeper.current.unit.attempt} attempt(s) (TASK_MAX_ATTEMPTS is ${cap}): ${error}`,
          lastError: error,
        },
        owner,
        deps,
      );
    }
    const at = clock().toISOString();
    await units
      .replace(taskId, keeper.current, {
        ...keeper.current.unit,
        status: 'PENDING',
        lastError: error,
        leaseUntil: at,
        updatedAt: at,
      })
      .catch(() => undefined);
    throw err;
  } finally {
    await keeper.stop();
  }
  if (keeper.lost) {
    log('warn', 'unit lease lost while it ran; its outcome was not written', { taskId, unit: key });
    return 'claimed_elsewhere';
  }
  const { status, message, result, neededAbove } = outcome;
  const needs = await units.writeNeeds(taskId, keeper.current.unit, neededAbove ?? []);
  return settle(taskId, keeper.current, { status, message, ...(result ? { result } : {}), ...needs }, owner, deps);
}

/** Settles the unit (settle-together.ts); if this made every unit finished, runs the top work under the lease it wrote. */
async function settle(
  taskId: string,
  held: StoredUnit,
  final: Final,
  owner: string,
  deps: WorkerDeps,
): Promise<WorkerOutcome> {
  const settled = await settleTogether(taskId, held, final, {
    store: deps.store,
    units: unitsOf(deps),
    leaseSeconds: deps.leaseSeconds,
    clock: clockOf(deps),
  });
  if (settled === 'unit_lost') return 'claimed_elsewhere';
  if (settled === 'task_terminal') return 'already_terminal';
  if (!settled.completes) return 'completed';
  return topWorkUnderLease(settled.lease, owner, false, deps);
}
