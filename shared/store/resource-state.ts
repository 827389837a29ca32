import { odata, type TableClient } from '@azure/data-tables';
import { ensureTable } from './ensure-table.js';
import { StoreError, statusCodeOf } from './errors.js';
import { type LockSpan, spanFields, spanOf } from './lock-span.js';
import { descendantRange } from './name-key.js';

/** Per resource: when its last sync started, with which policy version, and who holds it now. */
export interface ResourceState {
  /** The resource's nameKey, which is its RowKey. */
  key: string;
  lastStartedAt?: string;
  policyVersion?: string;
  leaseUntil?: string;
  leasedAt?: string;
  leaseOwner?: string;
  /** Set on a lock below a schema that siblings find by name (lock-span.ts). */
  span?: LockSpan;
  etag?: string;
}

const PARTITION = 'resource';

/** The resource-state table: one row per resource path, keyed by its nameKey; every change ETag-guarded. */
export class ResourceStateStore {
  constructor(private readonly table: TableClient) {}

  async init(signal?: AbortSignal): Promise<void> {
    await ensureTable(this.table, signal);
  }

  /**
   * The rows for these exact keys (absent keys are simply missing), in one query; with `slicesBelow`, in the same
   * query, the rows of the slices below that key (a schema's), live or not.
   */
  async get(keys: string[], slicesBelow?: string): Promise<ResourceState[]> {
    if (keys.length === 0) return [];
    const exact = keys.map((k) => odata`RowKey eq ${k}`);
    if (slicesBelow !== undefined) {
      const { from, to } = descendantRange(slicesBelow);
      exact.push(`(${odata`RowKey ge ${from} and RowKey lt ${to}`} and isSlice eq true)`);
    }
    return this.query(`${odata`PartitionKey eq ${PARTITION}`} and (${exact.join(' or ')})`);
  }

  /** Rows strictly below `key` in the hierarchy whose lease is live at `now`. */
  async leasedBelow(key: string, now: Date): Promise<ResourceState[]> {
    const { from, to } = descendantRange(key);
    return this.query(
      odata`PartitionKey eq ${PARTITION} and RowKey ge ${from} and RowKey lt ${to} and leaseUntil gt ${now.toISOString()}`,
    );
  }

  /** Takes the lease on `state.key` if the row is still as read (or still absent); false when someone else won. */
  async acquire(
    state: ResourceState | undefined,
    key: string,
    owner: string,
    at: Date,
    until: Date,
    span?: LockSpan,
  ): Promise<ResourceState | false> {
    const entity = {
      partitionKey: PARTITION,
      rowKey: key,
      leaseOwner: owner,
      leasedAt: at.toISOString(),
      leaseUntil: until.toISOString(),
      ...(state?.lastStartedAt ? { lastStartedAt: state.lastStartedAt } : {}),
      ...(state?.policyVersion ? { policyVersion: state.policyVersion } : {}),
      ...spanFields(span),
    };
    try {
      const r = state?.etag
        ? await this.table.updateEntity(entity, 'Replace', { etag: state.etag })
        : await this.table.createEntity(entity);
      return {
        key,
        leaseOwner: owner,
        leasedAt: entity.leasedAt,
        leaseUntil: entity.leaseUntil,
        ...(state?.lastStartedAt ? { lastStartedAt: state.lastStartedAt } : {}),
        ...(state?.policyVersion ? { policyVersion: state.policyVersion } : {}),
        ...(span ? { span } : {}),
        ...(r.etag ? { etag: r.etag } : {}),
      };
    } catch (err) {
      const status = statusCodeOf(err);
      if (status === 409 || status === 412) return false;
      throw new StoreError(
        'STORAGE_UNAVAILABLE',
        `resource state is unavailable (${status ?? (err as Error).message})`,
      );
    }
  }

  /** Extends a lease this holder still has (ETag-guarded); false when it lapsed and someone else took the row. */
  async renew(held: ResourceState, until: Date): Promise<ResourceState | false> {
    const { key, etag: _etag, span, ...fields } = held;
    const entity = {
      partitionKey: PARTITION,
      rowKey: key,
      ...fields,
      ...spanFields(span),
      leaseUntil: until.toISOString(),
    };
    try {
      const r = await this.table.updateEntity(entity, 'Replace', { etag: held.etag ?? '*' });
      return { ...held, leaseUntil: entity.leaseUntil, ...(r.etag ? { etag: r.etag } : {}) };
    } catch (err) {
      const status = statusCodeOf(err);
      if (status === 404 || status === 412) return false;
      throw new StoreError(
        'STORAGE_UNAVAILABLE',
        `resource state is unavailable (${status ?? (err as Error).message})`,
      );
    }
  }

  /**
   * Frees the lease and, after a sync that finished, records when it started and under which policy version.
   * A lost ETag race means the lease expired and another holder took over; its record wins.
   */
  async release(held: ResourceState, finished?: { startedAt: Date; policyVersion: string }): Promise<void> {
    const lastStartedAt = finished?.startedAt.toISOString() ?? held.lastStartedAt;
    const policyVersion = finished?.policyVersion ?? held.policyVersion;
    const entity = {
      partitionKey: PARTITION,
      rowKey: held.key,
      ...(lastStartedAt ? { lastStartedAt } : {}),
      ...(policyVersion ? { policyVersion } : {}),
      // A slice's range stays: its record covers the tables in it.
      ...spanFields(held.span),
    };
    await this.table.updateEntity(entity, 'Replace', { etag: held.etag ?? '*' }).catch(() => undefined);
  }

  /**
   * Deletes rows whose last sync (or, never synced, last lease) started before `cutoff` and whose lease is not live
   * at `now`. The rows share one partition and none is indexed by age, so this reads the partition; each delete is
   * conditional on the row as read (a transaction cannot carry ETags in this SDK), so a lease taken meanwhile stays.
   */
  async deleteIdle(cutoff: Date, now: Date): Promise<number> {
    let deleted = 0;
    const select = ['RowKey', 'lastStartedAt', 'leasedAt', 'leaseUntil'];
    const filter = odata`PartitionKey eq ${PARTITION}`;
    try {
      for await (const e of this.table.listEntities<Record<string, string>>({ queryOptions: { filter, select } })) {
        const last = Date.parse(e.lastStartedAt ?? e.leasedAt ?? '');
        const leased = e.leaseUntil !== undefined && Date.parse(e.leaseUntil) > now.getTime();
        if (leased || last >= cutoff.getTime()) continue;
        try {
          await this.table.deleteEntity(PARTITION, e.rowKey ?? '', { etag: e.etag });
          deleted++;
        } catch (err) {
          if (statusCodeOf(err) !== 404 && statusCodeOf(err) !== 412) throw err;
        }
      }
    } catch (err) {
      throw new StoreError(
        'STORAGE_UNAVAILABLE',
        `resource state is unavailable (${statusCodeOf(err) ?? (err as Error).message})`,
      );
    }
    return deleted;
  }

  private async query(filter: string): Promise<ResourceState[]> {
    const rows: ResourceState[] = [];
    for await (const e of this.table.listEntities<Record<string, string>>({ queryOptions: { filter } })) {
      const span = spanOf(e);
      rows.push({
        key: e.rowKey ?? '',
        ...(e.lastStartedAt ? { lastStartedAt: e.lastStartedAt } : {}),
        ...(e.policyVersion ? { policyVersion: e.policyVersion } : {}),
        ...(e.leaseUntil ? { leaseUntil: e.leaseUntil } : {}),
        ...(e.leasedAt ? { leasedAt: e.leasedAt } : {}),
        ...(e.leaseOwner ? { leaseOwner: e.leaseOwner } : {}),
        ...(span ? { span } : {}),
        etag: e.etag,
      });
    }
    return rows;
  }
}
