import type { WarehouseModule } from '../connectors/warehouse-module.js';
import type { Log } from '../log.js';
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
import { sendFirstMessage } from './first-send.js';
import { IdempotencyKeyReusedError } from './idempotency.js';

export interface IntakeDeps {
  store: TaskStore;
  queue: DispatchQueue;
  /** The warehouse this instance syncs: the resource types a request may name, and the kind events are addressed to. */
  warehouse: WarehouseModule;
  instance: string;
  now?: () => Date;
  /** Where a send that failed after the task was stored is reported (the task is answered all the same). */
  log?: Log;
  /** When a failed first send is tried again in this process (SEND_RETRY_DELAYS_MS unless given; [] never). */
  sendRetryDelaysMs?: readonly number[];
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
  /**
   * `later`: the caller sends the message of a new WAITING task itself (an Event Hub batch sends one message for up to
   * 32 tasks, sendFirstMessage); until it does, the task looks to the sweeper like one whose message was lost.
   */
  send?: 'now' | 'later';
}

export interface CreatedTask {
  task: StoredTask;
  duplicate: boolean;
}

/**
 * The one way a task comes into being, from the API or the Event Hub: normalize, claim the idempotency key, store
 * the task WAITING (or SKIPPED) in one transaction with its resources, after its OPEN index row, then send its
 * message. An unusable request becomes a SKIPPED task with the reason, so nothing is lost. A duplicate returns the
 * task its key already names (and sends its message if none is recorded); a key that expired names nothing, and a
 * key repeated with a different fingerprint throws IdempotencyKeyReusedError.
 *
 * A task used to be stored NEW and moved to WAITING before its message was sent; NEW marked "stored, message maybe
 * not sent", and a duplicate request or the sweeper finding it NEW dispatched it. The index row says the same now
 * at no cost: a WAITING task whose OPEN row carries no message either has its send still in flight or lost it. A
 * duplicate finding it so sends a message (a second one, should the first send land after all, is harmless: the
 * worker's ETag-guarded claim lets one delivery run the task); the sweeper does the same once the row is older than
 * LOST_MESSAGE_GRACE_SECONDS. A crash before the task transaction leaves an OPEN row without a task, which the
 * sweeper drops, and a claimed key whose task is absent, which the next request with that key fills (below).
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
      if (existing) return { task: await sendIfUnsent(deps, existing), duplicate: true };
      // The key was claimed but its task never stored (a crash in between): this call finishes the job.
      return storeAndSend(deps, intake, opts, owner.taskId, now);
    }
  }
  try {
    return await storeAndSend(deps, intake, opts, taskId, now);
  } catch (err) {
    // Only a task known to be absent gives its key back. If the read fails too, the key stays: a retry then finds
    // the task it names, or finishes storing it under that id ("claimed but never stored" above), never a second one.
    if (opts.idempotencyKey && (await deps.store.get(taskId).catch(() => 'unknown' as const)) === undefined)
      await deps.store.releaseKey(opts.idempotencyKey, taskId);
    throw err;
  }
}

async function storeAndSend(
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
  // A POLICY_SYNC has no rows until the worker expands its policies.
  const allSkipped = rows.length > 0 && skipped === rows.length;
  const skip = intake.invalid !== undefined || allSkipped;
  const header: TaskHeader = {
    taskId,
    type: req?.type ?? 'RESOURCE_SYNC',
    status: skip ? 'SKIPPED' : 'WAITING',
    message: intake.invalid ?? (allSkipped ? 'every resource was skipped' : ''),
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
    ...(skip ? { finishedAt: stamp } : {}),
  };
  const stored = await deps.store.create(header, rows);
  if (!skip && opts.send !== 'later') await sendFirstMessage(deps, [stored.header]);
  return { task: stored, duplicate: false };
}

/**
 * A duplicate's task: a WAITING one whose OPEN row records no message gets one now (see createTask); a NEW one,
 * stored before tasks were created WAITING, is dispatched as it always was.
 */
async function sendIfUnsent(deps: IntakeDeps, task: StoredTask): Promise<StoredTask> {
  if (task.header.status === 'NEW') return dispatch(deps, task);
  if (task.header.status !== 'WAITING') return task;
  const row = await deps.store.index.find('OPEN', task.header);
  if (row && !row.message) await sendFirstMessage(deps, [task.header]);
  return task;
}

/**
 * Dispatches a task stored NEW, as tasks were before they were created WAITING (the sweeper and a duplicate request
 * still meet such tasks): WAITING first, then the message, so a worker that gets the message at once finds the task
 * WAITING rather than racing the intake's NEW -> WAITING and standing down. If the send then fails, the task is
 * WAITING without a message, which the sweeper sends. Undefined when another dispatch of the same task (a duplicate
 * request, the sweeper) moved it first: that one sends the message.
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
