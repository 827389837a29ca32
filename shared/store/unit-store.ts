import type { TableClient, TransactionAction } from '@azure/data-tables';
import { type TableRange, TableRangeSchema } from '../connectors/table-range.js';
import type { DesiredGrant } from '../plan/desired.js';
import type { ResourceRef } from '../task/request.js';
import { statusCodeOf } from './errors.js';
import { fitResult, fitText } from './fit.js';
import type { ResourceResult, TaskHeader } from './records.js';
import { rowSuffix, taskRow, taskRowsFilter } from './task-address.js';
import { guard, type StoredTask, toHeaderEntity } from './task-store.js';
import { parseNeeds, readNeeds, type StoredNeeds, writeNeeds } from './unit-needs.js';

export type UnitStatus = 'PENDING' | 'INPROGRESS' | 'SUCCESS' | 'FAILED' | 'SKIPPED';

/**
 * One bounded piece of a fanned-out task (a schema of a database or catalog the task names, or a slice of a schema
 * with more than UNIT_MAX_TABLES tables and views), carried by its own
 * queue message and stored beside its task's header, in the task's partition, so that its final row and the header's
 * counts change in one transaction.
 */
export interface UnitRow {
  /** RowKey: `u<resource index>-<unit no>`. */
  key: string;
  /** The task's resource row this unit is part of. */
  resourceIndex: number;
  ref: ResourceRef;
  /** A slice: the range of the schema's table and view names this unit syncs (the schema's own grants are the top work's). */
  tables?: TableRange;
  status: UnitStatus;
  attempt: number;
  leaseUntil?: string;
  message: string;
  /** Why the last failed attempt failed. */
  lastError?: string;
  result?: ResourceResult;
  /**
   * The grants this unit's objects need above them (USAGE on the database, on a slice's schema), which the top work
   * keeps (unit-needs.ts): as JSON when they fit this row, otherwise how many rows of them its settling attempt wrote.
   */
  needsInline?: string;
  needRows?: number;
  updatedAt: string;
}

export interface StoredUnit {
  unit: UnitRow;
  etag: string;
}

export const UNIT_KEY_PATTERN = /^u\d{5}-\d{5}$/;
export const unitKey = (resourceIndex: number, n: number) =>
  `u${String(resourceIndex).padStart(5, '0')}-${String(n).padStart(5, '0')}`;
export const isUnitFinished = (s: UnitStatus) => s === 'SUCCESS' || s === 'FAILED' || s === 'SKIPPED';

/** Units per storage page when they are read one after another (Table Storage's own page is up to 1,000). */
export const UNITS_PER_PAGE = 100;

/** Table Storage's transaction limit, one of which is the header that guards every batch. */
const UNITS_PER_BATCH = 99;

/** The units of fanned-out tasks, rows of the tasks table in their task's partition. */
export class UnitStore {
  constructor(private readonly table: TableClient) {}

  async list(taskId: string): Promise<StoredUnit[]> {
    const units: StoredUnit[] = [];
    for await (const u of this.each(taskId)) units.push(u);
    return units.sort((a, b) => a.unit.key.localeCompare(b.unit.key));
  }

  /**
   * A task's units one at a time, read a page of UNITS_PER_PAGE at a time (each may carry a result of up to 32K
   * characters): a reader that folds them holds one page, never every unit of a catalog.
   */
  async *each(taskId: string): AsyncGenerator<StoredUnit> {
    const filter = taskRowsFilter(taskId, 'u', 'v');
    const pages = this.table
      .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: UNITS_PER_PAGE });
    for (;;) {
      const page = await guard(() => pages.next());
      if (page.done) return;
      for (const e of page.value) yield { unit: fromUnitEntity(taskId, e), etag: e.etag };
    }
  }

  /** Keeps the grants an attempt's objects need above them, before it settles the unit: what its final row says of them. */
  writeNeeds(taskId: string, unit: UnitRow, grants: readonly DesiredGrant[]): Promise<StoredNeeds> {
    return writeNeeds(this.table, taskId, unit.key, unit.attempt, grants);
  }

  /**
   * The needs the settling attempts of `units` kept, handed to `each` unit by unit (rows as they are read): those on
   * the units' rows at once, the others in one query of the task's partition, made only when some unit needed rows.
   */
  async needs(taskId: string, units: readonly UnitRow[], each: (unitKey: string, grants: DesiredGrant[]) => void) {
    for (const u of units) if (u.needsInline) each(u.key, parseNeeds(u.needsInline));
    const settled = new Map(
      units.filter((u) => (u.needRows ?? 0) > 0).map((u) => [u.key, { attempt: u.attempt, rows: u.needRows! }]),
    );
    await readNeeds(this.table, taskId, settled, each);
  }

  async get(taskId: string, key: string): Promise<StoredUnit | undefined> {
    return guard(async () => {
      try {
        const at = taskRow(taskId, key);
        const e = await this.table.getEntity<Record<string, unknown>>(at.partitionKey, at.rowKey);
        return { unit: fromUnitEntity(taskId, e), etag: e.etag };
      } catch (err) {
        if (statusCodeOf(err) === 404) return undefined;
        throw err;
      }
    });
  }

  /** Rewrites a unit if nobody else has since `current.etag`; undefined when someone did (the unit is theirs). */
  async replace(taskId: string, current: StoredUnit, next: UnitRow): Promise<StoredUnit | undefined> {
    return guard(async () => {
      try {
        const r = await this.table.updateEntity(toUnitEntity(taskId, next), 'Replace', { etag: current.etag });
        return { unit: next, etag: r.etag ?? '' };
      } catch (err) {
        if (statusCodeOf(err) === 412) return undefined;
        throw err;
      }
    });
  }

  /**
   * Writes a task's units, each batch in one transaction with its header guarded by the lease's ETag (so a worker
   * that lost the task writes none of them), the last one with `header`, which says how many units there are: until
   * that lands the task has no units, and a retry writes them all again. Undefined when the lease was lost.
   */
  async fanOut(lease: StoredTask, header: TaskHeader, units: UnitRow[]): Promise<StoredTask | undefined> {
    let held = lease;
    for (let i = 0; i === 0 || i < units.length; i += UNITS_PER_BATCH) {
      const batch = units.slice(i, i + UNITS_PER_BATCH);
      const last = i + UNITS_PER_BATCH >= units.length;
      const next = last ? header : { ...held.header, updatedAt: header.updatedAt };
      const written = await this.withHeader(
        held,
        next,
        batch.map((u) => ['upsert', toUnitEntity(header.taskId, u), 'Replace']),
      );
      if (!written) return undefined;
      held = written;
    }
    return held;
  }

  /**
   * Units' final rows and their task's header (its counts) in one transaction: each unit's row guarded by the ETag of
   * the attempt that ran it, the header by the ETag it was read with. Undefined when one of them changed meanwhile
   * (another writer's transaction landed first, or a unit was taken over): nothing was written.
   */
  settle(
    taskId: string,
    settles: readonly { held: StoredUnit; next: UnitRow }[],
    header: StoredTask,
    nextHeader: TaskHeader,
  ): Promise<StoredTask | undefined> {
    return this.withHeader(
      header,
      nextHeader,
      settles.map(({ held, next }) => ['update', toUnitEntity(taskId, next), 'Replace', { etag: held.etag }]),
    );
  }

  /** The keys of the units whose rows changed since they were read as `held`: taken over by another attempt. */
  async takenOver(taskId: string, held: readonly StoredUnit[]): Promise<string[]> {
    const now = await Promise.all(held.map((h) => this.get(taskId, h.unit.key)));
    return held.filter((h, i) => now[i]?.etag !== h.etag).map((h) => h.unit.key);
  }

  private async withHeader(
    held: StoredTask,
    header: TaskHeader,
    rows: TransactionAction[],
  ): Promise<StoredTask | undefined> {
    return guard(async () => {
      try {
        const answer = await this.table.submitTransaction([
          ['update', toHeaderEntity(header), 'Replace', { etag: held.etag }],
          ...rows,
        ]);
        // Sub-responses come in the order of the actions: the header's is the first.
        return { header, etag: answer.subResponses[0]?.etag ?? '' };
      } catch (err) {
        if (statusCodeOf(err) === 412) return undefined;
        throw err;
      }
    });
  }
}

function toUnitEntity(taskId: string, u: UnitRow) {
  return {
    ...taskRow(taskId, u.key),
    resourceIndex: u.resourceIndex,
    type: u.ref.type,
    values: JSON.stringify(u.ref.values),
    status: u.status,
    attempt: u.attempt,
    message: fitText(u.message),
    updatedAt: u.updatedAt,
    ...(u.leaseUntil ? { leaseUntil: u.leaseUntil } : {}),
    ...(u.lastError ? { lastError: fitText(u.lastError) } : {}),
    ...(u.result ? { result: fitResult(u.result) } : {}),
    ...(u.tables ? { tables: JSON.stringify(u.tables) } : {}),
    ...(u.needsInline ? { needs: u.needsInline } : {}),
    ...(u.needRows ? { needRows: u.needRows } : {}),
  };
}

function fromUnitEntity(taskId: string, e: Record<string, unknown>): UnitRow {
  const text = (k: string) => (typeof e[k] === 'string' ? (e[k] as string) : undefined);
  const leaseUntil = text('leaseUntil');
  const lastError = text('lastError');
  const result = text('result');
  const tables = text('tables');
  // A unit settled by a worker of the previous release holds the same JSON as `neededAbove`: a task fanned out
  // across an upgrade keeps what its units need on the database, so its top sync revokes none of it.
  const needsInline = text('needs') ?? text('neededAbove');
  return {
    key: rowSuffix(taskId, String(e.rowKey)),
    resourceIndex: Number(e.resourceIndex),
    ref: { type: String(e.type), values: JSON.parse(String(e.values)) as Record<string, string> },
    status: e.status as UnitStatus,
    attempt: Number(e.attempt ?? 0),
    message: String(e.message ?? ''),
    updatedAt: String(e.updatedAt ?? ''),
    ...(leaseUntil ? { leaseUntil } : {}),
    ...(lastError ? { lastError } : {}),
    ...(result ? { result: JSON.parse(result) as ResourceResult } : {}),
    ...(tables ? { tables: TableRangeSchema.parse(JSON.parse(tables)) } : {}),
    ...(needsInline ? { needsInline } : {}),
    ...(typeof e.needRows === 'number' && e.needRows > 0 ? { needRows: e.needRows } : {}),
  };
}
