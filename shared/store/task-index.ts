import { odata, type TableClient } from '@azure/data-tables';
import { isTerminal, type TaskStatus } from '../task/status.js';
import { ensureTable } from './ensure-table.js';
import { statusCodeOf } from './errors.js';
import { GroupCommit } from './group-commit.js';
import type { TaskHeader } from './records.js';
import { windowAndGroup } from './task-address.js';

/**
 * Where a task is listed: `OPEN` while it is NEW, WAITING or INPROGRESS (moves between those cost no index write),
 * then the terminal status it ended in.
 */
export type IndexBucket = 'OPEN' | 'SUCCESS' | 'FAILED' | 'SKIPPED';
export const TERMINAL_BUCKETS = ['SUCCESS', 'FAILED', 'SKIPPED'] as const;
export const bucketOf = (status: TaskStatus): IndexBucket => (isTerminal(status) ? (status as IndexBucket) : 'OPEN');

/** The queue message a task's next delivery will come from, as the send (or the sweeper's last check) answered. */
export interface QueuedMessage {
  messageId: string;
  popReceipt: string;
  /** When the message (re)joined the queue's tail: its send, or the sweeper's last look at it. */
  queuedAt: string;
  /** When it becomes visible to workers (later than `queuedAt` for a delayed send). */
  visibleAt: string;
}

/** One index row: enough to list a task and to decide whether the sweeper must look at it. */
export interface IndexEntry {
  bucket: IndexBucket;
  taskId: string;
  source: string;
  createdAt: string;
  finishedAt?: string;
  /** OPEN rows: the task's current queue message, once its sender recorded it. */
  message?: QueuedMessage;
  partitionKey: string;
  rowKey: string;
  etag: string;
}

const PREFIX = 'idx-';
const ID_SPACE = 10n ** 20n; // task ids are at most 20 digits
/**
 * Milliseconds since the id epoch fit 41 bits (40 in ids of the grouped layout), so windows fit 35: counted down from
 * the largest, in 11 digits.
 */
const WINDOW_SPACE = 1n << 35n;

/** `yyyyMMddHH` of an ISO instant (UTC): the hour an index partition holds. */
export const hourKey = (iso: string) => iso.slice(0, 13).replace(/[-T]/g, '');

/**
 * `idx-<bucket>-<yyyyMMddHH>-<window>-<group>`: the task's creation hour (UTC), then the window of its id's
 * milliseconds, counted down so that an hour's windows, read in key order, go newest first, then the group of its
 * sequence number as in the task's own partition (task-address.ts). One partition per hour held every task of the
 * hour: every write to it contended for one partition's throughput (Azure's target is 2,000 entities/s per partition),
 * and storage that scans a partition for a point write (Azurite) slowed with each task. A window's group holds what one
 * moment created, whose rows still share transactions; a window's groups are read together (hourPages).
 */
export const indexPartition = (bucket: IndexBucket, h: Pick<TaskHeader, 'taskId' | 'createdAt'>) =>
  `${PREFIX}${bucket}-${hourKey(h.createdAt)}-${windowKey(h.taskId)}-${windowAndGroup(h.taskId).group}`;

/** The partition of the whole hour, where releases before the windows listed their tasks: read, never written. */
const hourPartition = (bucket: IndexBucket, hour: string) => `${PREFIX}${bucket}-${hour}`;

const windowKey = (taskId: string) => (WINDOW_SPACE - 1n - windowAndGroup(taskId).window).toString().padStart(11, '0');

/** Newest first within an hour: task ids grow with time, so the row key counts down from the largest id. */
export const indexRowKey = (taskId: string) => (ID_SPACE - 1n - BigInt(taskId)).toString().padStart(20, '0');

/** The window a row's partition is a group of: `idx-<bucket>-<hour>-<window>`. */
const windowOf = (e: IndexEntry) => e.partitionKey.slice(0, e.partitionKey.lastIndexOf('-'));

/** The task id a row key counts down from. */
const idOfRowKey = (rowKey: string) => (ID_SPACE - 1n - BigInt(rowKey)).toString();

/**
 * The status index: the sweeper reads the OPEN rows, retention and the task listing the terminal ones, and none of
 * them scans tasks. Terminal rows sit in the task table beside the tasks; OPEN rows in a table of their own, which
 * holds only what is unfinished, so reading them costs that much even on storage that scans a whole table for any
 * query (Azurite). A status change writes the new row before the header and removes the old row after it
 * (TaskStore.transition), so a crash leaves at worst a row the header contradicts; readers trust the header and
 * repair the row.
 */
export class TaskIndex {
  // Index rows of one bucket and hour share a partition: tasks created together list themselves in shared transactions.
  private readonly writers: Map<TableClient, GroupCommit>;

  constructor(
    private readonly table: TableClient,
    private readonly openTable: TableClient = table,
  ) {
    this.writers = new Map([table, openTable].map((t) => [t, new GroupCommit(t)]));
  }

  async init(signal?: AbortSignal): Promise<void> {
    if (this.openTable !== this.table) await ensureTable(this.openTable, signal);
  }

  private tableOf(bucket: IndexBucket): TableClient {
    return bucket === 'OPEN' ? this.openTable : this.table;
  }

  /** Lists the task under its header's bucket (idempotent). */
  async put(h: TaskHeader): Promise<void> {
    const bucket = bucketOf(h.status);
    await this.writers.get(this.tableOf(bucket))!.write({
      op: 'upsert',
      entity: {
        partitionKey: indexPartition(bucket, h),
        rowKey: indexRowKey(h.taskId),
        taskId: h.taskId,
        source: h.source,
        createdAt: h.createdAt,
        ...(h.finishedAt && bucket !== 'OPEN' ? { finishedAt: h.finishedAt } : {}),
      },
      mode: 'Merge',
    });
  }

  /**
   * Drops the task's row from `bucket`; a row already gone is fine. With `etag`, only the row as read. A row that was
   * read (an entry) is dropped where it is, which for a task listed by an earlier release is its hour's partition.
   */
  async remove(
    bucket: IndexBucket,
    h: Pick<TaskHeader, 'taskId' | 'createdAt'> | IndexEntry,
    etag?: string,
  ): Promise<void> {
    try {
      await this.tableOf(bucket).deleteEntity(
        'partitionKey' in h ? h.partitionKey : indexPartition(bucket, h),
        indexRowKey(h.taskId),
        etag ? { etag } : {},
      );
    } catch (err) {
      if (statusCodeOf(err) !== 404 && statusCodeOf(err) !== 412) throw err;
    }
  }

  /** The task's row in `bucket`; undefined when there is none. */
  async find(bucket: IndexBucket, h: Pick<TaskHeader, 'taskId' | 'createdAt'>): Promise<IndexEntry | undefined> {
    try {
      const e = await this.tableOf(bucket).getEntity<Record<string, string>>(
        indexPartition(bucket, h),
        indexRowKey(h.taskId),
      );
      return toEntry(bucket, e);
    } catch (err) {
      if (statusCodeOf(err) === 404) return undefined;
      throw err;
    }
  }

  /**
   * Records the task's current message on its OPEN row. Only an existing row is updated: a task that finished
   * meanwhile (its row removed) must not be listed OPEN again. False when there was no row to update.
   */
  async recordMessage(h: Pick<TaskHeader, 'taskId' | 'createdAt'>, message: QueuedMessage): Promise<boolean> {
    try {
      await this.writers.get(this.openTable)!.write({
        op: 'update',
        entity: { partitionKey: indexPartition('OPEN', h), rowKey: indexRowKey(h.taskId), ...message },
        mode: 'Merge',
        etag: '*',
      });
      return true;
    } catch (err) {
      if (statusCodeOf(err) === 404) return false;
      throw err;
    }
  }

  /**
   * `bucket`'s rows for tasks created in `hour` (`yyyyMMddHH`), newest first, after the row key `after` when given, of
   * one `source` when given (filtered by storage): one page from the hour's windows and one from the hour's partition
   * of earlier releases, each sorted by row key, each of at most `max` rows and `more` when storage holds more.
   */
  async hourPages(
    bucket: IndexBucket,
    hour: string,
    max: number,
    opts: { after?: string | undefined; source?: string | undefined } = {},
  ): Promise<IndexPage[]> {
    const whole = hourPartition(bucket, hour);
    // A row after `after` belongs to an older task, so to `after`'s window or a later partition of the hour.
    const from = opts.after !== undefined ? windowKey(idOfRowKey(opts.after)) : '';
    let filter = '';
    if (opts.after !== undefined) filter += ` and ${odata`RowKey gt ${opts.after}`}`;
    if (opts.source !== undefined) filter += ` and ${odata`source eq ${opts.source}`}`;
    const windows = odata`PartitionKey ge ${`${whole}-${from}`} and PartitionKey lt ${`${whole}.`}` + filter;
    return Promise.all([
      this.page(bucket, windows, max, windowOf),
      this.page(bucket, odata`PartitionKey eq ${whole}` + filter, max),
    ]);
  }

  /**
   * The first `max` rows a query answers, sorted by row key, and whether it holds more. Storage may end a page early
   * (at a partition boundary, past its time slice; empty, even) with a continuation, so pages are read until `max` rows
   * or the end: https://learn.microsoft.com/rest/api/storageservices/Query-Timeout-and-Pagination. Storage answers
   * partitions in key order, each sorted by row key; rows of one `span` (a window's groups) are read whole and sorted
   * together before the next span's rows are taken.
   */
  private async page(
    bucket: IndexBucket,
    filter: string,
    max: number,
    span: (e: IndexEntry) => string = (e) => e.rowKey,
  ): Promise<IndexPage> {
    const entries: IndexEntry[] = [];
    let open: IndexEntry[] = [];
    const close = () => {
      entries.push(...open.sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0)));
      open = [];
    };
    const pages = this.tableOf(bucket)
      .listEntities<Record<string, string>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: max });
    for await (const page of pages) {
      for (const row of page) {
        const e = toEntry(bucket, row);
        if (open.length > 0 && span(open[0]!) !== span(e)) {
          close();
          if (entries.length >= max) return { entries: entries.slice(0, max), more: true };
        }
        open.push(e);
      }
      if (page.continuationToken === undefined) break;
    }
    close();
    return { entries: entries.slice(0, max), more: entries.length > max };
  }

  /** Every task listed in `bucket` created in an hour up to `throughHour` (all hours when absent), oldest first. */
  async *entries(bucket: IndexBucket, throughHour?: Date): AsyncGenerator<IndexEntry> {
    const from = `${PREFIX}${bucket}-`;
    // `.` sorts after `-` and before every digit: the hour's own partition and its windows, no later hour.
    const to = throughHour ? `${hourPartition(bucket, hourKey(throughHour.toISOString()))}.` : `${PREFIX}${bucket}.`;
    const filter = odata`PartitionKey ge ${from} and PartitionKey lt ${to}`;
    for await (const e of this.tableOf(bucket).listEntities<Record<string, string>>({ queryOptions: { filter } }))
      yield toEntry(bucket, e);
  }
}

/** One query's rows, sorted by row key, and whether storage holds more after the last. */
export interface IndexPage {
  entries: IndexEntry[];
  more: boolean;
}

function toEntry(bucket: IndexBucket, e: Record<string, string> & { etag: string }): IndexEntry {
  const message =
    e.messageId && e.popReceipt && e.queuedAt && e.visibleAt
      ? { messageId: e.messageId, popReceipt: e.popReceipt, queuedAt: e.queuedAt, visibleAt: e.visibleAt }
      : undefined;
  return {
    bucket,
    taskId: e.taskId ?? '',
    source: e.source ?? '',
    createdAt: e.createdAt ?? '',
    ...(e.finishedAt ? { finishedAt: e.finishedAt } : {}),
    ...(message ? { message } : {}),
    partitionKey: e.partitionKey ?? '',
    rowKey: e.rowKey ?? '',
    etag: e.etag,
  };
}
