import { unlessStale } from '../store/errors.js';
import { writeResourceUnderLease } from '../store/lease-guarded-write.js';
import type { ResourceRow, TaskHeader } from '../store/records.js';
import { leaseEnd } from '../store/task-lease.js';
import { sendTaskMessage } from '../store/task-message.js';
import type { StoredTask } from '../store/task-store.js';
import type { UnitRow } from '../store/unit-store.js';
import { deriveTaskStatus } from '../task/status.js';
import { announceTerminal } from '../task/task-events.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { ResourceOutcome } from './resource-sync.js';
import { clockOf, leaseMs, maxAttempts, queueOf, type WorkerDeps, type WorkerOutcome } from './worker-deps.js';

/** The header with its lease extended from now: every write an attempt makes to its task renews the lease too. */
const renewed = (h: TaskHeader, deps: WorkerDeps): TaskHeader => {
  const now = clockOf(deps)();
  return { ...h, leaseUntil: leaseEnd(now, deps.leaseSeconds), updatedAt: now.toISOString() };
};

/** Holds the task's lease for an attempt, renewing it in the background (lease-keeper.ts). */
export const headerKeeper = (held: StoredTask, deps: WorkerDeps) =>
  new LeaseKeeper<StoredTask>(
    held,
    (h) => unlessStale(() => deps.store.replace({ ...h, header: renewed(h.header, deps) })),
    leaseMs(deps),
    () => clockOf(deps)().getTime(),
  );

/** A resource's outcome, written only while the attempt still holds the task (lease-guarded-write.ts). */
export async function writeOutcome(
  keeper: LeaseKeeper<StoredTask>,
  row: ResourceRow,
  outcome: ResourceOutcome,
  deps: WorkerDeps,
): Promise<boolean> {
  const { neededAbove: _needed, ...kept } = outcome;
  const next: ResourceRow = { ...row, ...kept, updatedAt: clockOf(deps)().toISOString() };
  const written = await keeper.write((held) =>
    writeResourceUnderLease(deps.store.table, held, renewed(held.header, deps), next),
  );
  return written !== undefined;
}

/** Ends the task with the status its resources give, naming the failed ones (and failed units). */
export async function finishTask(
  keeper: LeaseKeeper<StoredTask>,
  deps: WorkerDeps,
  policyVersion: number | null,
  failedUnits: UnitRow[] = [],
): Promise<WorkerOutcome> {
  const taskId = keeper.current.header.taskId;
  const rows = await deps.store.resources(taskId);
  const status = deriveTaskStatus(rows);
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const failed = rows.filter((r) => r.status === 'FAILED');
  const units =
    failedUnits.length === 0
      ? ''
      : `; ${failedUnits.length} unit(s) failed: ${failedUnits
          .slice(0, 20)
          .map((u) => `${u.ref.type} ${Object.values(u.ref.values).join('.')}`)
          .join(', ')}${failedUnits.length > 20 ? `, and ${failedUnits.length - 20} more` : ''}`;
  const message =
    status === 'FAILED'
      ? `${failed.length} resource(s) failed: ${failed.map((r) => `#${r.index} ${r.ref.type} ${Object.values(r.ref.values).join('.')}`).join('; ')}${units}`
      : status === 'SKIPPED'
        ? 'every resource was skipped'
        : `${count('SUCCESS')} resource(s) synced`;
  const done = await keeper.write((held) =>
    unlessStale(() =>
      deps.store.finish(
        held,
        status,
        {
          message,
          succeeded: count('SUCCESS'),
          failed: failed.length,
          skipped: count('SKIPPED'),
          ...(policyVersion !== null ? { policyVersion: String(policyVersion) } : {}),
        },
        clockOf(deps)(),
      ),
    ),
  );
  if (!done) return 'claimed_elsewhere';
  announceTerminal(taskId);
  return 'completed';
}

/**
 * An attempt that threw: its error is recorded on the task; at the attempt cap the task ends FAILED with it, otherwise
 * the lease is given back at once so the queue's redelivery takes the task over. Writes nothing once the lease is lost.
 */
export async function failedTaskAttempt(
  keeper: LeaseKeeper<StoredTask>,
  err: unknown,
  deps: WorkerDeps,
): Promise<void> {
  const error = err instanceof Error ? err.message : String(err);
  const now = clockOf(deps)();
  const cap = maxAttempts(deps);
  await keeper
    .write((held) =>
      unlessStale(async () => {
        const h = held.header;
        if (h.attempt < cap)
          return deps.store.replace({
            ...held,
            header: { ...h, lastError: error, leaseUntil: now.toISOString(), updatedAt: now.toISOString() },
          });
        const done = await deps.store.finish(
          held,
          'FAILED',
          { message: `failed after ${h.attempt} attempt(s) (TASK_MAX_ATTEMPTS is ${cap}): ${error}`, lastError: error },
          now,
        );
        announceTerminal(h.taskId);
        return done;
      }),
    )
    .catch(() => undefined);
}

/** A claim that would pass the attempt cap: the task ends FAILED with the reason and the last error recorded. */
export async function giveUpTask(task: StoredTask, deps: WorkerDeps): Promise<WorkerOutcome> {
  const h = task.header;
  const done = await unlessStale(() =>
    deps.store.finish(
      task,
      'FAILED',
      {
        message: `gave up after ${h.attempt} attempt(s) (TASK_MAX_ATTEMPTS is ${maxAttempts(deps)}); last error: ${h.lastError ?? 'none recorded (the worker stopped without one)'}`,
      },
      clockOf(deps)(),
    ),
  );
  if (!done) return 'claimed_elsewhere';
  announceTerminal(h.taskId);
  return 'gave_up';
}

/**
 * Another sync holds a resource of this task: give the task up (its lease ends now, so the next delivery takes it
 * over; a deferral is not a failed attempt, so the claim that `claimed` says this delivery made is not counted) and put it back on the queue,
 * invisible until the other lease should be over. No spinning.
 */
export async function deferTask(
  keeper: LeaseKeeper<StoredTask>,
  deps: WorkerDeps,
  delayMs: number,
  claimed = true,
): Promise<WorkerOutcome> {
  const now = clockOf(deps)().toISOString();
  await keeper.write((held) =>
    unlessStale(() =>
      deps.store.replace({
        ...held,
        header: {
          ...held.header,
          attempt: claimed ? held.header.attempt - 1 : held.header.attempt,
          leaseUntil: now,
          updatedAt: now,
        },
      }),
    ),
  );
  // Recorded on the task's index row, so the sweeper knows this message still waits and sends no second one.
  await sendTaskMessage({ store: deps.store, queue: queueOf(deps)! }, keeper.current.header, delaySeconds(delayMs));
  return 'deferred';
}

export const delaySeconds = (ms: number) => Math.min(60, Math.ceil(ms / 1000));
