import { createHash } from 'node:crypto';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { PolicySnapshot } from '../policy/model.js';
import { parsePolicies } from '../policy/parse.js';
import { ensureTable } from './ensure-table.js';
import { StoreError, statusCodeOf } from './errors.js';

/** The policy set the watcher last acted on, and how far its validity boundaries were handled. */
export interface WatchedHead {
  revision: string;
  chunks: number;
  /** The revision before, kept one more step: a watcher that read the older head may still be reading its set. */
  previous?: string;
  /** Every validity boundary up to this ISO time has its sync. */
  checkedUntil: string;
  etag: string;
}

const HEAD = { partitionKey: 'head', rowKey: 'head' };
// Table Storage holds at most 32K characters in a string property and 4 MiB in one transaction.
const CHUNK_CHARS = 30_000;
const CHUNKS_PER_TRANSACTION = 40;

/**
 * The policy watcher's memory, in a table of its own: the policy set it last diffed against, stored as JSON in
 * chunks under a partition named for its revision (written once; the same revision always holds the same text), and
 * one head row naming the current revision. The head only moves by ETag, so of two watchers that acted on the same
 * change exactly one advances it; the other's tasks were keyed by the same revision pair and are the same tasks.
 */
export class PolicySnapshotStore {
  constructor(private readonly table: TableClient) {}

  async init(signal?: AbortSignal): Promise<void> {
    await ensureTable(this.table, signal);
  }

  async head(): Promise<WatchedHead | undefined> {
    try {
      const e = await this.table.getEntity<Record<string, unknown>>(HEAD.partitionKey, HEAD.rowKey);
      return {
        revision: String(e.revision),
        chunks: Number(e.chunks),
        ...(typeof e.previous === 'string' ? { previous: e.previous } : {}),
        checkedUntil: String(e.checkedUntil),
        etag: e.etag,
      };
    } catch (err) {
      if (statusCodeOf(err) === 404) return undefined;
      throw unavailable(err);
    }
  }

  /** Stores a policy set under its revision (idempotent) and returns how many chunks it took. */
  async write(revision: string, snapshot: PolicySnapshot): Promise<number> {
    const text = JSON.stringify({
      policyVersion: snapshot.version,
      ...(snapshot.serviceName ? { serviceName: snapshot.serviceName } : {}),
      policies: snapshot.policies,
    });
    const partitionKey = partitionOf(revision);
    const actions: TransactionAction[] = [];
    for (let i = 0, n = 0; i < text.length || n === 0; i += CHUNK_CHARS, n++)
      actions.push(['upsert', { partitionKey, rowKey: chunkKey(n), text: text.slice(i, i + CHUNK_CHARS) }, 'Replace']);
    try {
      for (let i = 0; i < actions.length; i += CHUNKS_PER_TRANSACTION)
        await this.table.submitTransaction(actions.slice(i, i + CHUNKS_PER_TRANSACTION));
    } catch (err) {
      throw unavailable(err);
    }
    return actions.length;
  }

  /** The policy set a head names; undefined when its chunks are not all there (never half a set). */
  async read(head: Pick<WatchedHead, 'revision' | 'chunks'>): Promise<PolicySnapshot | undefined> {
    const parts: { rowKey: string; text: string }[] = [];
    try {
      const filter = odata`PartitionKey eq ${partitionOf(head.revision)}`;
      for await (const e of this.table.listEntities<{ text: string }>({ queryOptions: { filter } }))
        parts.push({ rowKey: e.rowKey ?? '', text: e.text });
    } catch (err) {
      throw unavailable(err);
    }
    if (parts.length !== head.chunks) return undefined;
    parts.sort((a, b) => a.rowKey.localeCompare(b.rowKey));
    return parsePolicies(JSON.parse(parts.map((p) => p.text).join('')));
  }

  /**
   * Moves the head from `from` (absent: there is none yet) to `to`; false when another watcher moved it first.
   */
  async advance(from: WatchedHead | undefined, to: Omit<WatchedHead, 'etag'>): Promise<boolean> {
    const entity = { ...HEAD, ...to };
    try {
      if (from) await this.table.updateEntity(entity, 'Replace', { etag: from.etag });
      else await this.table.createEntity(entity);
      return true;
    } catch (err) {
      const status = statusCodeOf(err);
      if (status === 409 || status === 412) return false;
      throw unavailable(err);
    }
  }

  /** Removes a revision nobody names any more; best effort (a leftover costs storage, nothing else). */
  async drop(revision: string): Promise<void> {
    const partitionKey = partitionOf(revision);
    const filter = odata`PartitionKey eq ${partitionKey}`;
    try {
      for await (const e of this.table.listEntities({ queryOptions: { filter, select: ['RowKey'] } }))
        await this.table.deleteEntity(partitionKey, e.rowKey ?? '');
    } catch {
      // left for the next drop
    }
  }
}

const partitionOf = (revision: string) => `set-${createHash('sha256').update(revision).digest('hex')}`;
const chunkKey = (n: number) => `c${String(n).padStart(6, '0')}`;

function unavailable(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  return new StoreError(
    'STORAGE_UNAVAILABLE',
    `policy snapshot storage is unavailable (${statusCodeOf(err) ?? (err as Error).message})`,
  );
}
