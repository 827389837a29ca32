import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';
import { statusCodeOf } from './errors.js';

/** Table Storage's limit on the operations of one entity-group transaction. */
export const TRANSACTION_LIMIT = 100;

/** A single-row write the group commit may put into a transaction: an upsert or an update (`etag` guards it). */
export type GroupedWrite =
  | { op: 'upsert'; entity: TableEntity; mode: 'Merge' | 'Replace' }
  | { op: 'update'; entity: TableEntity; mode: 'Merge' | 'Replace'; etag: string };

interface Waiting {
  write: GroupedWrite;
  settle: (err?: unknown) => void;
}

/**
 * Writes rows of one table so that rows of the same partition share entity-group transactions: while a write to a
 * partition is in flight, the rows that arrive for it wait and go together in the next transaction (at most 100, one
 * operation per row), each caller settling with its own row's outcome. There is no timer: a row that finds its
 * partition idle goes at once, with whatever arrived in the same turn of the event loop. Under load that turns many
 * callers' single-row writes into a few requests; alone, a write costs what a single-row write costs.
 *
 * A transaction is all or nothing, so a transaction that storage refuses for one of its rows (404, 409, 412, 400)
 * is written again row by row, and each caller learns its own row's answer. Any other failure (storage unavailable)
 * is every caller's.
 */
export class GroupCommit {
  private readonly lines = new Map<string, Waiting[]>();

  constructor(private readonly table: TableClient) {}

  write(write: GroupedWrite): Promise<void> {
    const partition = write.entity.partitionKey;
    return new Promise<void>((resolve, reject) => {
      const waiting: Waiting = { write, settle: (err) => (err === undefined ? resolve() : reject(err)) };
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
      const [only] = batch as [Waiting];
      await this.writeOne(only.write).then(
        () => only.settle(),
        (err: unknown) => only.settle(err),
      );
      return;
    }
    try {
      await this.table.submitTransaction(batch.map((w) => toAction(w.write)));
      for (const w of batch) w.settle();
    } catch (err) {
      if (!isRowRefusal(err)) {
        for (const w of batch) w.settle(err);
        return;
      }
      await Promise.all(
        batch.map((w) =>
          this.writeOne(w.write).then(
            () => w.settle(),
            (e: unknown) => w.settle(e),
          ),
        ),
      );
    }
  }

  private async writeOne(write: GroupedWrite): Promise<void> {
    if (write.op === 'upsert') await this.table.upsertEntity(write.entity, write.mode);
    else await this.table.updateEntity(write.entity, write.mode, { etag: write.etag });
  }
}

/** The first rows of the line, at most a transaction's worth, one per row key; a second write of a row waits its turn. */
function takeBatch(line: Waiting[]): Waiting[] {
  const batch: Waiting[] = [];
  const rows = new Set<string>();
  for (let i = 0; i < line.length && batch.length < TRANSACTION_LIMIT; ) {
    const rowKey = line[i]!.write.entity.rowKey;
    if (rows.has(rowKey)) {
      i++;
      continue;
    }
    rows.add(rowKey);
    batch.push(...line.splice(i, 1));
  }
  return batch;
}

const toAction = (w: GroupedWrite): TransactionAction =>
  w.op === 'upsert' ? ['upsert', w.entity, w.mode] : ['update', w.entity, w.mode, { etag: w.etag }];

/** Storage answered about a row (one of them may be the cause), not about itself. */
const isRowRefusal = (err: unknown) => [400, 404, 409, 412].includes(statusCodeOf(err) ?? 0);
