import { createHash } from 'node:crypto';
import { odata, type TableClient } from '@azure/data-tables';
import { StoreError, statusCodeOf } from './errors.js';
import type { GroupCommit } from './group-commit.js';

/** The task an idempotency key names, and the fingerprint of the request that claimed it, if one was given. */
export interface KeyOwner {
  taskId: string;
  fingerprint?: string;
}

interface KeyRow {
  taskId: string;
  createdAt: string;
  expiresAt?: string;
  fingerprint?: string;
}

/** How often a process looks again whether keys of the older layout are left (they stop being written, then expire). */
const LEGACY_CHECK_MS = 5 * 60_000;

/**
 * Idempotency keys in the task table, one row per key named by the SHA-256 of the key, in one of 16 partitions (the
 * hash's first hex digit): keys claimed at the same moment, an Event Hub batch's, share entity-group transactions
 * (group-commit.ts), and a key that already exists fails only its own row (the group commit writes the others again
 * without it). Keys of the older layout, a partition each (`key-<hash>`, row `key`), still name their tasks until they
 * expire: while any is left, a claim looks there first.
 */
export class IdempotencyKeys {
  private legacy: { present: Promise<boolean>; checkedAt: number } | undefined;

  constructor(
    private readonly table: TableClient,
    private readonly writer: GroupCommit,
    private readonly ttlMs: number,
  ) {}

  /**
   * Returns the owner: `taskId` when this call claimed the key, the earlier claim otherwise. An expired key is taken
   * over with its row's ETag, so of two claimers that find it expired exactly one wins and the other gets the
   * winner's task.
   */
  async claim(key: string, taskId: string, opts: { now?: Date; fingerprint?: string } = {}): Promise<KeyOwner> {
    const now = opts.now ?? new Date();
    const legacy = await this.legacyOwner(key, now);
    if (legacy) return legacy;
    const at = keyRow(key);
    const row = {
      ...at,
      taskId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.ttlMs).toISOString(),
      ...(opts.fingerprint !== undefined ? { fingerprint: opts.fingerprint } : {}),
    };
    // Each pass either settles the key or meets another writer that moved it since; a few passes end any race.
    for (let pass = 0; pass < 4; pass++) {
      try {
        await this.writer.write({ op: 'create', entity: row });
        return { taskId };
      } catch (err) {
        if (statusCodeOf(err) !== 409) throw err;
      }
      const existing = await this.read(at);
      if (!existing) continue; // released meanwhile: claim it afresh
      if (!this.expired(existing, now)) return ownerOf(existing);
      try {
        await this.table.updateEntity(row, 'Replace', { etag: existing.etag });
        return { taskId };
      } catch (err) {
        if (statusCodeOf(err) !== 412 && statusCodeOf(err) !== 404) throw err;
      }
    }
    throw new StoreError('STORAGE_UNAVAILABLE', 'the idempotency key keeps changing under concurrent requests; retry');
  }

  /** Deletes a claim while the key still names `taskId` (ETag-guarded), never a claim that took it over meanwhile. */
  async release(key: string, taskId: string): Promise<void> {
    const at = keyRow(key);
    const existing = await this.read(at).catch(() => undefined);
    if (existing?.taskId === taskId)
      await this.table.deleteEntity(at.partitionKey, at.rowKey, { etag: existing.etag }).catch(() => undefined);
  }

  /** Deletes keys of both layouts past their expiry, each only as read (ETag): a key taken over meanwhile stays. */
  async deleteExpired(now: Date): Promise<number> {
    let deleted = 0;
    const legacyCutoff = new Date(now.getTime() - this.ttlMs).toISOString();
    const old = odata`(expiresAt lt ${now.toISOString()} or createdAt lt ${legacyCutoff})`;
    for (const range of [...LEGACY_RANGES, KEY_RANGE]) {
      for await (const e of this.table.listEntities<KeyRow>({ queryOptions: { filter: `${range} and ${old}` } })) {
        if (!this.expired(e, now)) continue;
        try {
          await this.table.deleteEntity(String(e.partitionKey), String(e.rowKey), { etag: e.etag });
          deleted++;
        } catch (err) {
          if (statusCodeOf(err) !== 404 && statusCodeOf(err) !== 412) throw err;
        }
      }
    }
    return deleted;
  }

  /** The task a key of the older layout still names, looked up only while such keys are left. */
  private async legacyOwner(key: string, now: Date): Promise<KeyOwner | undefined> {
    if (!(await this.legacyKeysLeft(now))) return undefined;
    const existing = await this.read(legacyKeyRow(key));
    return existing && !this.expired(existing, now) ? ownerOf(existing) : undefined;
  }

  /** One look at a time, shared by every claim made while it is under way. */
  private legacyKeysLeft(now: Date): Promise<boolean> {
    if (this.legacy && now.getTime() - this.legacy.checkedAt < LEGACY_CHECK_MS) return this.legacy.present;
    const present = this.lookForLegacyKeys();
    this.legacy = { present, checkedAt: now.getTime() };
    present.catch(() => {
      this.legacy = undefined; // the next claim looks again
    });
    return present;
  }

  private async lookForLegacyKeys(): Promise<boolean> {
    for (const filter of LEGACY_RANGES) {
      const page = await this.table
        .listEntities({ queryOptions: { filter, select: ['PartitionKey'] } })
        .byPage({ maxPageSize: 1 })
        .next();
      if (!page.done && page.value.length > 0) return true;
    }
    return false;
  }

  private async read(at: { partitionKey: string; rowKey: string }) {
    try {
      return await this.table.getEntity<KeyRow>(at.partitionKey, at.rowKey);
    } catch (err) {
      if (statusCodeOf(err) === 404) return undefined;
      throw err;
    }
  }

  /** Rows written before keys carried their expiry expire `ttlMs` after they were created. */
  private expired(row: KeyRow, now: Date): boolean {
    const expiresAt = row.expiresAt ? Date.parse(row.expiresAt) : Date.parse(row.createdAt) + this.ttlMs;
    return !(expiresAt > now.getTime());
  }
}

const ownerOf = (row: KeyRow): KeyOwner => ({
  taskId: row.taskId,
  ...(row.fingerprint !== undefined ? { fingerprint: row.fingerprint } : {}),
});

/**
 * A key's hash: the SHA-256 of its UTF-8 bytes. UTF-8 turns every unpaired surrogate into U+FFFD, so keys that
 * differ only there would share a hash: those are hashed by their UTF-16 units, and marked apart.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const keyHash = (key: string) =>
  !LONE_SURROGATE.test(key)
    ? { utf16: false, hex: createHash('sha256').update(key).digest('hex') }
    : { utf16: true, hex: createHash('sha256').update(Buffer.from(key, 'utf16le')).digest('hex') };

const keyRow = (key: string) => {
  const { utf16, hex } = keyHash(key);
  return { partitionKey: `kp-${hex[0]}`, rowKey: `${utf16 ? 'u' : 'k'}${hex}` };
};
const KEY_RANGE = odata`PartitionKey ge ${'kp-'} and PartitionKey lt ${'kp.'}`;

const legacyKeyRow = (key: string) => {
  const { utf16, hex } = keyHash(key);
  return { partitionKey: `${utf16 ? 'keyu' : 'key'}-${hex}`, rowKey: 'key' };
};
const LEGACY_RANGES = ['key', 'keyu'].map(
  (prefix) => odata`PartitionKey ge ${`${prefix}-`} and PartitionKey lt ${`${prefix}.`} and RowKey eq ${'key'}`,
);
