import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '../backoff.js';
import { leaseEnd } from '../store/task-lease.js';
import type { StoredTask, TaskStore } from '../store/task-store.js';
import type { StoredUnit, UnitRow, UnitStore } from '../store/unit-store.js';
import { isTerminal } from '../task/status.js';

/** What a unit's attempt writes when it ends: its status and message, and what it found. */
export type Final = Pick<UnitRow, 'status' | 'message'> &
  Partial<Pick<UnitRow, 'result' | 'needsInline' | 'needRows' | 'lastError'>>;

/** How a unit's settling ended: its row written, with the lease the header now holds and whether it was the last. */
export type Settled = { lease: StoredTask; completes: boolean } | 'unit_lost' | 'task_terminal';

interface Waiting {
  held: StoredUnit;
  final: Final;
  done: (outcome: Settled | Error) => void;
}

/** The first wait after a lost settle race (about one storage round trip), and the longest. */
const SETTLE_BACKOFF_MS = 20;
const SETTLE_BACKOFF_CAP_MS = 1_000;
/** A transaction holds 100 operations, one the header; and 4 MiB, which a unit's result and needs (64K each) count toward. */
const UNITS_PER_TRANSACTION = 32;
const BYTES_PER_TRANSACTION = 3 * 1024 * 1024;

interface SettleDeps {
  store: TaskStore;
  units: UnitStore;
  leaseSeconds: number;
  clock: () => Date;
}

// Per unit store (one per task table in a process), per task: the units waiting to settle.
const lines = new WeakMap<UnitStore, Map<string, Waiting[]>>();

/**
 * Settles a unit: its final row and the task's counts in one transaction. Every unit of a task counts on its one
 * header, so the units of a task that a process finishes at the same moment settle together, in one transaction (the
 * header counting them all), while one such transaction of the task is in flight: a worker running many units does
 * not race itself for the header, only other processes. A lost race is read again and retried, waiting a little
 * longer each time. Of the units whose transaction makes the count complete, the last is told so: it runs the top
 * work under the lease that transaction wrote.
 */
export function settleTogether(taskId: string, held: StoredUnit, final: Final, deps: SettleDeps): Promise<Settled> {
  let byTask = lines.get(deps.units);
  if (!byTask) lines.set(deps.units, (byTask = new Map()));
  const tasks = byTask;
  return new Promise<Settled>((resolve, reject) => {
    const waiting: Waiting = { held, final, done: (o) => (o instanceof Error ? reject(o) : resolve(o)) };
    const line = tasks.get(taskId);
    if (line) {
      line.push(waiting);
      return;
    }
    const started: Waiting[] = [waiting];
    tasks.set(taskId, started);
    void (async () => {
      await Promise.resolve(); // units settling in the same turn join the first transaction
      while (started.length > 0) await settleBatch(taskId, takeBatch(started), deps);
      tasks.delete(taskId);
    })();
  });
}

function takeBatch(line: Waiting[]): Waiting[] {
  let bytes = 0;
  let n = 0;
  while (n < Math.min(line.length, UNITS_PER_TRANSACTION)) {
    const size = Buffer.byteLength(JSON.stringify(line[n]!.final));
    if (n > 0 && bytes + size > BYTES_PER_TRANSACTION) break;
    bytes += size;
    n++;
  }
  return line.splice(0, n);
}

async function settleBatch(taskId: string, batch: Waiting[], deps: SettleDeps): Promise<void> {
  try {
    // The header's ETag the last refused transaction was guarded by: found unchanged, the refusal was a unit's.
    let refusedAt: string | undefined;
    for (let lost = 0; batch.length > 0; lost++) {
      if (lost > 0) await sleep(Math.min(SETTLE_BACKOFF_CAP_MS, backoffDelay(lost, SETTLE_BACKOFF_MS)));
      const task = await deps.store.get(taskId);
      if (!task || isTerminal(task.header.status)) {
        for (const w of batch) w.done('task_terminal');
        return;
      }
      if (task.etag === refusedAt) {
        // Taken over while they waited: their outcome is the new attempt's to write; the others go on at once.
        const taken = await deps.units.takenOver(
          taskId,
          batch.map((w) => w.held),
        );
        for (const w of batch) if (taken.includes(w.held.unit.key)) w.done('unit_lost');
        batch = batch.filter((w) => !taken.includes(w.held.unit.key));
        if (batch.length === 0) return;
      }
      const now = deps.clock();
      const settles = batch.map(({ held, final }) => {
        const { leaseUntil: _lease, ...rest } = held.unit;
        return { held, next: { ...rest, ...final, updatedAt: now.toISOString() } };
      });
      const h = task.header;
      const done = (h.unitsDone ?? 0) + batch.length;
      const written = await deps.units.settle(taskId, settles, task, {
        ...h,
        unitsDone: done,
        unitsFailed: (h.unitsFailed ?? 0) + batch.filter((w) => w.final.status === 'FAILED').length,
        leaseUntil: leaseEnd(now, deps.leaseSeconds),
        updatedAt: now.toISOString(),
      });
      if (!written) {
        // Most often another process's units landed first (read again, after a wait); else a unit was taken over.
        refusedAt = task.etag;
        continue;
      }
      const completes = done >= (h.unitsTotal ?? 0);
      batch.forEach((w, i) => w.done({ lease: written, completes: completes && i === batch.length - 1 }));
      return;
    }
  } catch (err) {
    for (const w of batch) w.done(err instanceof Error ? err : new Error(String(err)));
  }
}
