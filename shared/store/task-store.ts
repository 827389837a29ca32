import { odata, type TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import { canTransition, isTerminal, type TaskStatus } from '../task/status.js';
import { recordTaskEnd } from '../telemetry/task-telemetry.js';
import { ensureTable } from './ensure-table.js';
import { StoreError, statusCodeOf, unlessStale } from './errors.js';
import { fitResult, fitText } from './fit.js';
import { GroupCommit, TRANSACTION_LIMIT } from './group-commit.js';
import { IdempotencyKeys, type KeyOwner } from './idempotency-keys.js';
import { type ResourceRow, resourceRowKey, type TaskHeader } from './records.js';
import { taskAddress, taskRow, taskRowsFilter } from './task-address.js';
import { bucketOf, TaskIndex } from './task-index.js';
import { isLeaseLive, leaseEnd } from './task-lease.js';

export const HEADER = 'task';
const BATCH = TRANSACTION_LIMIT;

export type { KeyOwner };

export interface StoredTask {
  header: TaskHeader;
  etag: string;
}

/** How long an idempotency key names its task unless configured (IDEMPOTENCY_TTL_HOURS). */
const DEFAULT_KEY_TTL_HOURS = 24;

/**
 * Task records in Table Storage: a header row and one row per resource, in the partition the task id names
 * (task-address.ts); and idempotency keys (idempotency-keys.ts) that name a task for `keyTtlHours`. Tasks created
 * together, and keys claimed together, share entity-group transactions (group-commit.ts).
 */
export class TaskStore {
  /** The status index (task-index.ts), kept by create and transition. */
  readonly index: TaskIndex;
  private readonly keys: IdempotencyKeys;
  private readonly writer: GroupCommit;

  /** `openTable` holds the index's OPEN rows (task-index.ts); the task table itself when absent. */
  constructor(
    /** The tasks table; units (unit-store.ts) live in their task's partition of it. */
    readonly table: TableClient,
    opts: { keyTtlHours?: number; openTable?: TableClient } = {},
  ) {
    this.index = new TaskIndex(table, opts.openTable);
    this.writer = new GroupCommit(table);
    this.keys = new IdempotencyKeys(table, this.writer, (opts.keyTtlHours ?? DEFAULT_KEY_TTL_HOURS) * 3_600_000);
  }

  /** `signal` stops the table creations' own retries (prepare-together.ts). */
  async init(signal?: AbortSignal): Promise<void> {
    await guard(async () => {
      await ensureTable(this.table, signal);
      await this.index.init(signal);
    });
  }

  /**
   * Writes resource rows first and the header last, so a reader never sees a header without its rows; a retry
   * after a partial failure rewrites the same rows (upsert) and creates the header only if it is absent. A task of
   * fewer than 100 resources is one transaction, which it may share with tasks created at the same moment.
   * Returns the stored header with its ETag, taken from the transaction's answer (no read-back). The index row comes
   * first: a task is never stored without it (a row without its task is dropped by the sweeper).
   */
  async create(header: TaskHeader, resources: ResourceRow[]): Promise<StoredTask> {
    const rows: TransactionAction[] = resources.map((r) => ['upsert', toResourceEntity(header.taskId, r), 'Replace']);
    const head: TransactionAction = ['create', toHeaderEntity(header)];
    return guard(async () => {
      await this.index.put(header);
      let etag: string | undefined;
      try {
        etag = rows.length < BATCH ? await this.createShared(rows, head) : await this.createAlone(rows, head);
      } catch (err) {
        // The SDK retries a transaction whose answer was lost; if the first try was applied, the retry meets
        // the header it wrote (409). That header is this task: the write is done, not a failure.
        const status = statusCodeOf(err);
        const own = status === 409 ? await this.ownHeader(header) : undefined;
        if (own) return own;
        if (status === 409)
          throw new StoreError('STORAGE_UNAVAILABLE', `task id ${header.taskId} is already taken; retry`);
        // The task's own content was refused (too large, a value storage rejects): sending it again cannot succeed.
        if (status === 400 || status === 413)
          throw new StoreError('STORAGE_REFUSED', `task storage refused the task's content (${status})`);
        throw err;
      }
      // A task stored already ended (SKIPPED at intake) ends here, as `transition` records the others.
      if (isTerminal(header.status)) recordTaskEnd(header);
      // An answer without the header's ETag costs one read instead.
      return etag ? { header, etag } : (await this.get(header.taskId))!;
    });
  }

  /** The task's rows and header in one transaction, shared with whatever else is written to its partition meanwhile. */
  private async createShared(rows: TransactionAction[], head: TransactionAction): Promise<string | undefined> {
    const writes = [...rows, head].map(([op, entity, mode]) =>
      op === 'create' ? { op: 'create' as const, entity } : { op: 'upsert' as const, entity, mode: mode as 'Replace' },
    );
    return (await this.writer.writeAll(writes)).at(-1);
  }

  /** A task of 100 resources or more: its rows a transaction at a time, the header with the last. */
  private async createAlone(rows: TransactionAction[], head: TransactionAction): Promise<string | undefined> {
    const batches: TransactionAction[][] = [];
    for (let i = 0; i < rows.length; i += BATCH) batches.push(rows.slice(i, i + BATCH));
    const last = batches.at(-1);
    if (last && last.length < BATCH) last.push(head);
    else batches.push([head]);
    let etag: string | undefined;
    for (const batch of batches) {
      const answer = await this.table.submitTransaction(batch);
      if (batch.includes(head)) etag = answer?.subResponses?.find((r) => r.rowKey === head[1].rowKey)?.etag;
    }
    return etag;
  }

  private async ownHeader(header: TaskHeader): Promise<StoredTask | undefined> {
    const stored = await this.get(header.taskId);
    const same =
      stored !== undefined &&
      stored.header.createdAt === header.createdAt &&
      stored.header.instance === header.instance &&
      stored.header.source === header.source &&
      stored.header.resourceCount === header.resourceCount;
    return same ? stored : undefined;
  }

  async get(taskId: string): Promise<StoredTask | undefined> {
    return guard(async () => {
      try {
        const at = taskRow(taskId, HEADER);
        const e = await this.table.getEntity<Record<string, unknown>>(at.partitionKey, at.rowKey);
        return { header: fromHeaderEntity(e), etag: e.etag };
      } catch (err) {
        if (statusCodeOf(err) === 404) return undefined;
        throw err;
      }
    });
  }

  async resources(taskId: string): Promise<ResourceRow[]> {
    return guard(async () => {
      const rows: ResourceRow[] = [];
      const filter = taskRowsFilter(taskId, 'r', 's');
      for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
        rows.push(fromResourceEntity(e));
      return rows.sort((a, b) => a.index - b.index);
    });
  }

  /** The one way a task's status changes: allowed by the status machine and guarded by the row's ETag. */
  async transition(
    current: StoredTask,
    to: TaskStatus,
    patch: Partial<TaskHeader> = {},
    now = new Date(),
  ): Promise<StoredTask> {
    if (!canTransition(current.header.status, to)) {
      throw new StoreError(
        'INVALID_TRANSITION',
        `task ${current.header.taskId} cannot go from ${current.header.status} to ${to}`,
      );
    }
    const header: TaskHeader = { ...current.header, ...patch, status: to, updatedAt: now.toISOString() };
    const from = bucketOf(current.header.status);
    if (from === bucketOf(to)) return this.replace({ header, etag: current.etag });
    // New row, header, old row: a crash in between leaves a row the header contradicts, never a task unlisted.
    await guard(() => this.index.put(header));
    const moved = await this.replace({ header, etag: current.etag });
    await this.index.remove(from, header).catch(() => undefined);
    if (isTerminal(to)) recordTaskEnd(header);
    return moved;
  }

  /**
   * Takes the task for one attempt: NEW/WAITING -> INPROGRESS, or a takeover of an INPROGRESS task whose lease
   * ran out. Undefined when another worker holds a live lease or won the race (ETag).
   */
  async claim(task: StoredTask, leaseSeconds: number, now: Date): Promise<StoredTask | undefined> {
    if (isLeaseLive(task.header, now)) return undefined;
    return unlessStale(async () => {
      const waiting = task.header.status === 'NEW' ? await this.transition(task, 'WAITING', {}, now) : task;
      return this.transition(
        waiting,
        'INPROGRESS',
        {
          attempt: task.header.attempt + 1,
          startedAt: task.header.startedAt ?? now.toISOString(),
          leaseUntil: leaseEnd(now, leaseSeconds),
        },
        now,
      );
    });
  }

  /** Ends an attempt in a terminal status. */
  async finish(
    task: StoredTask,
    status: 'SUCCESS' | 'FAILED' | 'SKIPPED',
    patch: Partial<TaskHeader>,
    now: Date,
  ): Promise<StoredTask> {
    return this.transition(task, status, { ...patch, finishedAt: now.toISOString() }, now);
  }

  /** Rewrites the header if nobody else has since `etag`; counts and messages change this way too. */
  async replace(next: StoredTask): Promise<StoredTask> {
    return guard(async () => {
      try {
        const r = await this.table.updateEntity(toHeaderEntity(next.header), 'Replace', { etag: next.etag });
        return { header: next.header, etag: r.etag ?? '' };
      } catch (err) {
        if (statusCodeOf(err) === 412)
          throw new StoreError('STALE_WRITE', `task ${next.header.taskId} was changed by another writer`);
        throw err;
      }
    });
  }

  async writeResource(taskId: string, row: ResourceRow): Promise<void> {
    await guard(() => this.table.upsertEntity(toResourceEntity(taskId, row), 'Replace'));
  }

  /** Many rows at once, a transaction per hundred: a task whose rows the worker finds (a POLICY_SYNC's). */
  async writeResources(taskId: string, rows: ResourceRow[]): Promise<void> {
    const actions: TransactionAction[] = rows.map((r) => ['upsert', toResourceEntity(taskId, r), 'Replace']);
    await guard(async () => {
      for (let i = 0; i < actions.length; i += BATCH) await this.table.submitTransaction(actions.slice(i, i + BATCH));
    });
  }

  /**
   * Maps an idempotency key (an Event Hub event id, a caller's Idempotency-Key, a schedule occurrence) to a task id
   * until the key expires: the owner is `taskId` when this call claimed the key, the earlier claim otherwise.
   */
  claimKey(key: string, taskId: string, opts: { now?: Date; fingerprint?: string } = {}): Promise<KeyOwner> {
    return guard(() => this.keys.claim(key, taskId, opts));
  }

  /** Undoes a claim whose task could not be stored, while the key still names `taskId`. */
  releaseKey(key: string, taskId: string): Promise<void> {
    return this.keys.release(key, taskId);
  }

  /**
   * Deletes a terminal task that finished before `finishedBefore`: every row of its partition (header, resources and
   * any other row a task holds), 100 per transaction, the header in the first so the task vanishes at once for a
   * reader. `kept` when the task is unfinished or finished later; `absent` when nothing of it is left.
   */
  async deleteFinished(taskId: string, finishedBefore: Date): Promise<'deleted' | 'kept' | 'absent'> {
    return guard(async () => {
      const { partitionKey, prefix } = taskAddress(taskId);
      const rows: { partitionKey: string; rowKey: string }[] = [];
      let head: Record<string, unknown> | undefined;
      const filter = taskRowsFilter(taskId);
      const select = ['PartitionKey', 'RowKey', 'status', 'finishedAt'];
      for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select } })) {
        if (e.rowKey === prefix + HEADER) head = e;
        else rows.push({ partitionKey, rowKey: String(e.rowKey) });
      }
      if (head) {
        const finishedAt = Date.parse(String(head.finishedAt ?? ''));
        if (!isTerminal(head.status as TaskStatus) || !(finishedAt < finishedBefore.getTime())) return 'kept';
        rows.unshift({ partitionKey, rowKey: prefix + HEADER });
      }
      if (rows.length === 0) return 'absent';
      for (let i = 0; i < rows.length; i += BATCH) await this.deleteRows(rows.slice(i, i + BATCH));
      return 'deleted';
    });
  }

  /** One transaction; a row deleted meanwhile (404 fails the whole transaction) makes it go row by row. */
  private async deleteRows(rows: { partitionKey: string; rowKey: string }[]): Promise<void> {
    try {
      await this.table.submitTransaction(rows.map((r): TransactionAction => ['delete', r]));
    } catch (err) {
      if (statusCodeOf(err) !== 404) throw err;
      for (const r of rows)
        await this.table.deleteEntity(r.partitionKey, r.rowKey).catch((e: unknown) => {
          if (statusCodeOf(e) !== 404) throw e;
        });
    }
  }

  /** Deletes idempotency keys past their expiry, each only as read (ETag): a key taken over meanwhile stays. */
  deleteExpiredKeys(now: Date): Promise<number> {
    return guard(() => this.keys.deleteExpired(now));
  }

  /**
   * Tasks whose header is in one of `statuses` and last changed before `before`: a scan of every header, for tests and
   * tools. The sweeper, retention and listings read the status index instead.
   */
  async *stale(statuses: TaskStatus[], before: Date): AsyncGenerator<StoredTask> {
    const byStatus = statuses.map((s) => odata`status eq ${s}`).join(' or ');
    const filter = `${HEADER_ROWS} and (${byStatus}) and ${odata`updatedAt lt ${before.toISOString()}`}`;
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      yield { header: fromHeaderEntity(e), etag: e.etag };
    }
  }
}

/** Only a header row has `resourceCount`: the headers of both layouts (task-address.ts), whatever their row keys. */
export const HEADER_ROWS = 'resourceCount ge 0';

export async function guard<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof StoreError) throw err;
    const status = statusCodeOf(err);
    if (status === 404 || status === 409 || status === 412) throw err;
    throw new StoreError('STORAGE_UNAVAILABLE', `task storage is unavailable (${status ?? (err as Error).message})`);
  }
}

export function toHeaderEntity(h: TaskHeader) {
  const { taskId, ...rest } = h;
  const entity: Record<string, unknown> = taskRow(taskId, HEADER);
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) entity[k] = typeof v === 'string' ? fitText(v) : v;
  return entity as { partitionKey: string; rowKey: string };
}

export function fromHeaderEntity(e: TableEntityResult<Record<string, unknown>>): TaskHeader {
  const {
    partitionKey,
    rowKey,
    etag: _etag,
    timestamp: _ts,
    'odata.metadata': _m,
    ...rest
  } = e as Record<string, unknown>;
  // A header of its own partition is keyed `task`; a shared one `<id>-task`.
  const taskId = rowKey === HEADER ? String(partitionKey) : String(rowKey).slice(0, -HEADER.length - 1);
  return { ...(rest as Omit<TaskHeader, 'taskId'>), taskId };
}

export function toResourceEntity(taskId: string, r: ResourceRow) {
  return {
    ...taskRow(taskId, resourceRowKey(r.index)),
    index: r.index,
    type: r.ref.type,
    values: JSON.stringify(r.ref.values),
    status: r.status,
    message: fitText(r.message),
    updatedAt: r.updatedAt,
    ...(r.result ? { result: fitResult(r.result) } : {}),
  };
}

function fromResourceEntity(e: Record<string, unknown>): ResourceRow {
  return {
    index: Number(e.index),
    ref: { type: String(e.type), values: JSON.parse(String(e.values)) as Record<string, string> },
    status: e.status as ResourceRow['status'],
    message: String(e.message ?? ''),
    updatedAt: String(e.updatedAt ?? ''),
    ...(typeof e.result === 'string' ? { result: JSON.parse(e.result) as ResourceRow['result'] } : {}),
  };
}
