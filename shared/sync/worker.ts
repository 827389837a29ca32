import { createHash } from 'node:crypto';
import type { Connector } from '../connectors/connector.js';
import { policyReading } from '../plan/evaluation.js';
import type { WarehouseProfile } from '../plan/profile.js';
import type { ManagedScope } from '../plan/scope.js';
import type { PolicySnapshot, PolicySource } from '../policy/index.js';
import type { DispatchQueue } from '../store/dispatch-queue.js';
import type { ResourceRow } from '../store/records.js';
import type { ResourceStateStore } from '../store/resource-state.js';
import { sendTaskMessage } from '../store/task-message.js';
import type { StoredTask, TaskStore } from '../store/task-store.js';
import { deriveTaskStatus, isTerminal } from '../task/status.js';
import { announceTerminal } from '../task/task-events.js';
import { enterResource } from './coalesce.js';
import { expandPolicyTask } from './policy-task.js';
import type { PrincipalSyncDeps } from './principal-context.js';
import { syncPrincipalTask } from './principal-sync.js';
import { type ResourceOutcome, syncResourceSafely } from './resource-sync.js';
import { syncTree } from './tree-sync.js';

export interface WorkerDeps {
  store: TaskStore;
  connector: Connector;
  profile: WarehouseProfile;
  scope: ManagedScope;
  policies: PolicySource;
  leaseSeconds: number;
  /** PRINCIPAL_SYNC: where principals come from, their scope and naming. Such tasks fail saying so when absent. */
  principals?: PrincipalSyncDeps;
  /** Burst coalescing: resource states, and the queue a deferred task goes back to. Off when absent. */
  coalescing?: { states: ResourceStateStore; queue: DispatchQueue };
  now?: () => Date;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export type WorkerOutcome = 'completed' | 'already_terminal' | 'claimed_elsewhere' | 'task_missing' | 'deferred';

/**
 * Runs one queue delivery of a task. Safe to run twice: a terminal task is left alone, a task another worker
 * holds a live lease on is left to it, and resources already finished are not synced again.
 * `finalAttempt` marks the last delivery before the poison queue: a failure then ends the task FAILED.
 */
export async function runTask(taskId: string, deps: WorkerDeps, finalAttempt = false): Promise<WorkerOutcome> {
  const clock = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => undefined);
  let task = await deps.store.get(taskId);
  if (!task) {
    log('warn', 'queue message names a task that does not exist; dropping it', { taskId });
    return 'task_missing';
  }
  if (isTerminal(task.header.status)) return 'already_terminal';
  const claimed = await deps.store.claim(task, deps.leaseSeconds, clock());
  if (!claimed) return 'claimed_elsewhere';
  task = claimed;

  try {
    if (task.header.type === 'PRINCIPAL_SYNC') {
      const done = await syncPrincipalTask(task, deps, clock);
      if (done.kind === 'lost') return 'claimed_elsewhere';
      if (done.kind === 'busy') return await defer(done.task, deps, clock(), done.retryAfterMs);
      return await finish(done.task, deps, clock(), null);
    }
    const snapshot = await deps.policies.current();
    const version = policyFingerprint(snapshot);
    if (task.header.type === 'POLICY_SYNC' && task.header.resourceCount === 0)
      task = await expandPolicyTask(task, snapshot, deps, clock());
    const rows = await deps.store.resources(taskId);
    for (const row of rows) {
      if (row.status !== 'PENDING') continue;
      const sync = () =>
        syncTree(row.ref, deps.connector, deps.profile.containerKind, (ref, neededBelow) =>
          syncResourceSafely(ref, {
            connector: deps.connector,
            profile: deps.profile,
            scope: deps.scope,
            policies: policyReading(snapshot, deps.profile, clock()),
            dryRun: task!.header.dryRun,
            ...(neededBelow ? { neededBelow } : {}),
          }),
        );
      const outcome =
        deps.coalescing && !task.header.dryRun
          ? await coalesced(row, task, version, deps.coalescing, deps, clock, sync)
          : await sync();
      if ('busyMs' in outcome) return await defer(task, deps, clock(), outcome.busyMs);
      const next: ResourceRow = { ...row, ...outcome, updatedAt: clock().toISOString() };
      await deps.store.writeResource(taskId, next);
      log(outcome.status === 'FAILED' ? 'warn' : 'info', 'resource synced', {
        taskId,
        index: row.index,
        type: row.ref.type,
        status: outcome.status,
      });
      const renewed = await deps.store.renew(task, deps.leaseSeconds, clock());
      if (!renewed) return 'claimed_elsewhere';
      task = renewed;
    }
    return await finish(task, deps, clock(), snapshot.version);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log('error', 'task attempt failed', { taskId, attempt: task.header.attempt, error: message });
    const current = await deps.store.get(taskId).catch(() => undefined);
    if (finalAttempt && current && !isTerminal(current.header.status)) {
      await deps.store.finish(
        current,
        'FAILED',
        { message: `failed after ${current.header.attempt} attempt(s): ${message}` },
        clock(),
      );
      announceTerminal(taskId);
    } else if (!finalAttempt && current?.header.status === 'INPROGRESS') {
      // Give the lease back: the queue's redelivery must take the task over and try again, not stand down.
      await deps.store.release(current, clock());
    }
    throw err;
  }
}

/**
 * Runs a resource's sync only if it is needed and nobody else is syncing it (see coalesce.ts); when someone
 * is, says how long until their lease ends.
 */
async function coalesced(
  row: ResourceRow,
  task: StoredTask,
  version: string,
  c: NonNullable<WorkerDeps['coalescing']>,
  deps: WorkerDeps,
  clock: () => Date,
  sync: () => Promise<ResourceOutcome>,
): Promise<ResourceOutcome | { busyMs: number }> {
  const path = deps.profile.resourcePath(row.ref);
  const gate = await enterResource(
    c.states,
    path,
    task.header.taskId,
    new Date(task.header.createdAt),
    version,
    deps.leaseSeconds,
    clock(),
  );
  if (gate.kind === 'covered')
    return { status: 'SUCCESS', message: `already in sync since ${gate.since} (policy version ${version})` };
  if (gate.kind === 'busy') return { busyMs: gate.retryAfterMs };
  let outcome: ResourceOutcome | undefined;
  try {
    outcome = await sync();
    return outcome;
  } finally {
    await c.states.release(
      gate.held,
      outcome?.status === 'SUCCESS' ? { startedAt: gate.startedAt, policyVersion: version } : undefined,
    );
  }
}

/**
 * Another sync holds a resource of this task: give the task up (its lease ends now, so the next delivery takes
 * it over) and put it back on the queue, invisible until the other lease should be over. No spinning.
 */
async function defer(task: StoredTask, deps: WorkerDeps, now: Date, delayMs: number): Promise<WorkerOutcome> {
  await deps.store.release(task, now);
  await sendTaskMessage(
    { store: deps.store, queue: deps.coalescing!.queue },
    task.header,
    Math.min(60, Math.ceil(delayMs / 1000)),
  );
  return 'deferred';
}

/** The policy version coalescing compares: Ranger's policyVersion, or a digest of the policies when there is none. */
function policyFingerprint(snapshot: PolicySnapshot): string {
  if (snapshot.version !== null) return String(snapshot.version);
  return `sha256:${createHash('sha256').update(JSON.stringify(snapshot.policies)).digest('hex').slice(0, 16)}`;
}

async function finish(
  task: StoredTask,
  deps: WorkerDeps,
  now: Date,
  policyVersion: number | null,
): Promise<WorkerOutcome> {
  const rows = await deps.store.resources(task.header.taskId);
  const status = deriveTaskStatus(rows);
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const failed = rows.filter((r) => r.status === 'FAILED');
  const message =
    status === 'FAILED'
      ? `${failed.length} resource(s) failed: ${failed.map((r) => `#${r.index} ${r.ref.type} ${Object.values(r.ref.values).join('.')}`).join('; ')}`
      : status === 'SKIPPED'
        ? 'every resource was skipped'
        : `${count('SUCCESS')} resource(s) synced`;
  await deps.store.finish(
    task,
    status,
    {
      message,
      succeeded: count('SUCCESS'),
      failed: failed.length,
      skipped: count('SKIPPED'),
      ...(policyVersion !== null ? { policyVersion: String(policyVersion) } : {}),
    },
    now,
  );
  announceTerminal(task.header.taskId);
  return 'completed';
}
