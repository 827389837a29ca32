import type { WarehouseModule } from '../connectors/warehouse-module.js';
import type { DispatchQueue } from '../store/dispatch-queue.js';
import { unlessStale } from '../store/errors.js';
import type { ResourceRow, TaskHeader, TaskSource } from '../store/records.js';
import { sendTaskMessage } from '../store/task-message.js';
import type { StoredTask, TaskStore } from '../store/task-store.js';
import { normalizeRequest } from '../task/normalize.js';
import { encodePolicyCause, type PolicyCause } from '../task/policy-cause.js';
import { newTaskId } from '../task/task-id.js';
import type { TaskRequest } from '../task/task-request.js';
import { inTaskCreationSpan, traceparentField } from '../telemetry/task-creation.js';
import { IdempotencyKeyReusedError } from './idempotency.js';

export interface IntakeDeps {
  store: TaskStore;
  queue: DispatchQueue;
  /** The warehouse this instance syncs: the resource types a request may name, and the kind events are addressed to. */
  warehouse: WarehouseModule;
  instance: string;
  now?: () => Date;
}

export type Intake = { request: TaskRequest; invalid?: undefined } | { request?: undefined; invalid: string };

export interface IntakeOptions {
  source: TaskSource;
  /** Names the task for the store's key lifetime (IDEMPOTENCY_TTL_HOURS); a repeat returns the task it names. */
  idempotencyKey?: string;
  /** With `idempotencyKey`: what a repeat must match (`requestFingerprint`), or it is refused. */
  fingerprint?: string;
  eventId?: string;
  dryRun?: boolean;
  /** The policies (and policy-set revisions) that caused a POLICY_CHANGE task, shown with it. */
  cause?: PolicyCause;
}

export interface CreatedTask {
  task: StoredTask;
  duplicate: boolean;
}

/**
 * The one way a task comes into being, from the API or the Event Hub: normalize, claim the idempotency key,
 * store rows then header (NEW), then WAITING, then enqueue. An unusable request becomes a SKIPPED task with the
 * reason, so nothing is lost. A duplicate returns the task its key already names (re-dispatching it if an
 * earlier attempt stored it but could not enqueue it); a key that expired names nothing, and a key repeated with a
 * different fingerprint throws IdempotencyKeyReusedError.
 */
export function createTask(deps: IntakeDeps, intake: Intake, opts: IntakeOptions): Promise<CreatedTask> {
  return inTaskCreationSpan(opts.source, () => createOrFind(deps, intake, opts));
}

async function createOrFind(deps: IntakeDeps, intake: Intake, opts: IntakeOptions): Promise<CreatedTask> {
  const now = (deps.now ?? (() => new Date()))();
  const taskId = newTaskId(now.getTime());
  if (opts.idempotencyKey) {
    const owner = await deps.store.claimKey(opts.idempotencyKey, taskId, {
      now,
      ...(opts.fingerprint !== undefined ? { fingerprint: opts.fingerprint } : {}),
    });
    if (owner.taskId !== taskId) {
      if (opts.fingerprint !== undefined && owner.fingerprint !== undefined && owner.fingerprint !== opts.fingerprint)
        throw new IdempotencyKeyReusedError();
      const existing = await deps.store.get(owner.taskId);
      if (existing)
        return { task: existing.header.status === 'NEW' ? await dispatch(deps, existing) : existing, duplicate: true };
      // The key was claimed but its task never stored (a crash in between): this call finishes the job.
      return storeAndDispatch(deps, intake, opts, owner.taskId, now);
    }
  }
  try {
    return await storeAndDispatch(deps, intake, opts, taskId, now);
  } catch (err) {
    // Only a task known to be absent gives its key back. If the read fails too, the key stays: a retry then finds
    // the task it names, or finishes storing it under that id ("claimed but never stored" above), never a second one.
    if (opts.idempotencyKey && (await deps.store.get(taskId).catch(() => 'unknown' as const)) === undefined)
      await deps.store.releaseKey(opts.idempotencyKey, taskId);
    throw err;
  }
}

async function storeAndDispatch(
  deps: IntakeDeps,
  intake: Intake,
  opts: IntakeOptions,
  taskId: string,
  now: Date,
): Promise<CreatedTask> {
  const stamp = now.toISOString();
  const normalized = intake.request ? normalizeRequest(intake.request, deps.warehouse).resources : [];
  const rows: ResourceRow[] = normalized.map((r, index) => ({
    index,
    ref: r.ref,
    status: r.skip ? 'SKIPPED' : 'PENDING',
    message: r.skip ?? '',
    updatedAt: stamp,
  }));
  const skipped = rows.filter((r) => r.status === 'SKIPPED').length;
  const req = intake.request;
  const cause: PolicyCause | undefined =
    opts.cause ?? (req?.type === 'POLICY_SYNC' ? { policies: distinctIds(req.requestInfo.policies) } : undefined);
  const header: TaskHeader = {
    taskId,
    type: req?.type ?? 'RESOURCE_SYNC',
    status: 'NEW',
    message: intake.invalid ?? '',
    source: opts.source,
    instance: deps.instance,
    dryRun: opts.dryRun ?? false,
    attempt: 0,
    createdAt: stamp,
    updatedAt: stamp,
    resourceCount: rows.length,
    succeeded: 0,
    failed: 0,
    skipped,
    ...(opts.eventId ? { eventId: opts.eventId } : {}),
    ...(req?.id ? { requestId: req.id } : {}),
    ...(req?.appType ? { appType: req.appType } : {}),
    ...(req?.appSubType ? { appSubType: req.appSubType } : {}),
    ...(req?.source ? { requestSource: req.source } : {}),
    ...(req?.createTime !== undefined ? { createTime: String(req.createTime) } : {}),
    ...(cause ? { policies: encodePolicyCause(cause) } : {}),
    ...traceparentField(),
  };
  const stored = await deps.store.create(header, rows);
  if (intake.invalid !== undefined)
    return { task: await deps.store.transition(stored, 'SKIPPED', { finishedAt: stamp }), duplicate: false };
  // A POLICY_SYNC has no rows until the worker expands its policies.
  if (rows.length > 0 && skipped === rows.length) {
    return {
      task: await deps.store.transition(stored, 'SKIPPED', {
        finishedAt: stamp,
        message: 'every resource was skipped',
      }),
      duplicate: false,
    };
  }
  return { task: await dispatch(deps, stored), duplicate: false };
}

/**
 * WAITING first, then the message: a worker that gets the message at once must find the task WAITING. The other
 * order let the intake's NEW -> WAITING race the worker's own, and a worker that lost it stood down and deleted
 * the message, leaving the task WAITING until the sweeper's grace period ran out. If the send then fails, the
 * task is WAITING without a message, which the sweeper re-queues. Undefined when another dispatch of the same
 * task (a duplicate request, the sweeper) moved it first: that one sends the message.
 */
export async function dispatchNew(
  deps: Pick<IntakeDeps, 'store' | 'queue'>,
  task: StoredTask,
  now = new Date(),
): Promise<StoredTask | undefined> {
  const waiting = await unlessStale(() => deps.store.transition(task, 'WAITING', {}, now));
  if (waiting) await sendTaskMessage(deps, task.header);
  return waiting;
}

async function dispatch(deps: IntakeDeps, task: StoredTask): Promise<StoredTask> {
  return (await dispatchNew(deps, task)) ?? (await deps.store.get(task.header.taskId)) ?? task;
}

const distinctIds = (policies: { id: number }[]) => [...new Set(policies.map((p) => p.id))].map((id) => ({ id }));
