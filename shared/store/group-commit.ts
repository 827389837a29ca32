import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';
import { statusCodeOf } from './errors.js';

/** Table Storage's limit on the operations of one entity-group transaction. */
export const TRANSACTION_LIMIT = 100;

/** A single-row write the group commit may put into a transaction: a create, an upsert or an update (`etag` guards it). */
export type GroupedWrite =
  | { op: 'create'; entity: TableEntity }
  | { op: 'upsert'; entity: TableEntity; mode: 'Merge' | 'Replace' }
  | { op: 'update'; entity: TableEntity; mode: 'Merge' | 'Replace'; etag: string };

interface Waiting {
  /** Rows of one partition that must land together: one transaction, whoever else's rows share it. */
  writes: GroupedWrite[];
  settle: (err: unknown, etags?: string[]) => void;
}

/**
 * Writes rows of one table so that rows of the same partition share entity-group transactions: while a write to a
 * partition is in flight, the rows that arrive for it wait and go together in the next transaction (at most 100, one
 * operation per row), each caller settling with its own rows' outcome. A caller's rows (`writeAll`) always travel in
 * one transaction. There is no timer: a row that finds its partition idle goes at once, with whatever arrived in the
 * same turn of the event loop. Under load that turns many callers' writes into a few requests; alone, a write costs
 * what it costs without the group commit.
 *
 * A transaction is all or nothing, so a transaction that storage refuses for one of its rows (400, 404, 409, 412,
 * 413) is written again caller by caller, and each caller learns its own rows' answer. Any other failure (storage
 * unavailable) is every caller's.
 */
export class GroupCommit {
  private readonly lines = new Map<string, Waiting[]>();

  constructor(private readonly table: TableClient) {}

  async write(write: GroupedWrite): Promise<void> {
    await this.writeAll([write]);
  }

  /** Rows of one partition, at most TRANSACTION_LIMIT, written in one transaction; their ETags, in their order. */
  writeAll(writes: GroupedWrite[]): Promise<string[]> {
    const partition = writes[0]!.entity.partitionKey;
    if (writes.length > TRANSACTION_LIMIT || writes.some((w) => w.entity.partitionKey !== partition))
      throw new Error('a group commit writes at most one transaction of one partition per caller');
    return new Promise<string[]>((resolve, reject) => {
      const waiting: Waiting = {
        writes,
        settle: (err, etags) => (err === undefined ? resolve(etags ?? []) : reject(err)),
      };
      const line = this.lines.get(partition);
      if (line) {
        line.push(waiting);
        return;
      }
      this.lines.set(partition, [waiting]);
      void this.drain(partition);
    });
  }

  /** Sends the partition's waiting rows, a transaction at a time, until none is left; then the partition is idle. */
  private async drain(partition: string): Promise<void> {
    await Promise.resolve(); // rows written in the same turn as the first join its transaction
    const line = this.lines.get(partition)!;
    while (line.length > 0) await this.commit(takeBatch(line));
    this.lines.delete(partition);
  }

  private async commit(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      await this.writeOwn(batch[0]!);
      return;
    }
    try {
      const answer = await this.table.submitTransaction(batch.flatMap((w) => w.writes.map(toAction)));
      for (const w of batch) w.settle(undefined, etagsOf(w.writes, answer.subResponses));
    } catch (err) {
      if (!isRowRefusal(err)) {
        for (const w of batch) w.settle(err);
        return;
      }
      await Promise.all(batch.map((w) => this.writeOwn(w)));
    }
  }

  /** One caller's rows alone: a single row as a single-row request, more as their own transaction. */
  private async writeOwn(w: Waiting): Promise<void> {
    try {
      if (w.writes.length > 1) {
        const answer = await this.table.submitTransaction(w.writes.map(toAction));
        w.settle(undefined, etagsOf(w.writes, answer.subResponses));
        return;
      }
      const [only] = w.writes as [GroupedWrite];
      const r =
        only.op === 'create'
          ? await this.table.createEntity(only.entity)
          : only.op === 'upsert'
            ? await this.table.upsertEntity(only.entity, only.mode)
            : await this.table.updateEntity(only.entity, only.mode, { etag: only.etag });
      w.settle(undefined, [r.etag ?? '']);
    } catch (err) {
      w.settle(err);
    }
  }
}

/** Each write's ETag from a transaction's answer, found by row key (unique within one transaction). */
const etagsOf = (writes: GroupedWrite[], answers: { rowKey?: string; etag?: string }[]) =>
  writes.map((w) => answers.find((a) => a.rowKey === w.entity.rowKey)?.etag ?? '');

/**
 * The first callers of the line, at most a transaction's worth of rows, no row key twice; a caller whose rows would
 * repeat one already taken, or would not fit, waits its turn (the line keeps its order otherwise).
 */
function takeBatch(line: Waiting[]): Waiting[] {
  const batch: Waiting[] = [];
  const rows = new Set<string>();
  for (let i = 0; i < line.length && rows.size < TRANSACTION_LIMIT; ) {
    const keys = line[i]!.writes.map((w) => w.entity.rowKey);
    if (rows.size + keys.length > TRANSACTION_LIMIT || keys.some((k) => rows.has(k))) {
      i++;
      continue;
    }
    for (const k of keys) rows.add(k);
    batch.push(...line.splice(i, 1));
  }
  return batch;
}

const toAction = (w: GroupedWrite): TransactionAction =>
  w.op === 'create'
    ? ['create', w.entity]
    : w.op === 'upsert'
      ? ['upsert', w.entity, w.mode]
      : ['update', w.entity, w.mode, { etag: w.etag }];

/** Storage answered about a row (one of them may be the cause), or about the size of the whole, not about itself. */
const isRowRefusal = (err: unknown) => [400, 404, 409, 412, 413].includes(statusCodeOf(err) ?? 0);
