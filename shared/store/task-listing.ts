import { TASK_STATUSES, type TaskStatus } from '../task/status.js';
import type { TaskHeader } from './records.js';
import { bucketOf, hourKey, type IndexBucket, type IndexEntry, type TaskIndex } from './task-index.js';
import type { TaskStore } from './task-store.js';

/** Where a listing resumes: the creation hour (`yyyyMMddHH`) and, within it, the row key of the last task seen. */
export interface ListPosition {
  hour: string;
  after?: string | undefined;
}

export interface ListQuery {
  /** The statuses wanted (every status when empty). */
  statuses: readonly TaskStatus[];
  source?: string | undefined;
  /** Tasks created in [since, until]. */
  since: Date;
  until: Date;
  limit: number;
  from?: ListPosition | undefined;
}

/**
 * Hours one page walks at most: a week's range, whose first and last hours are partial (169). A quiet range longer
 * than this answers fewer tasks and a continuation, so no request reads more than a week of index partitions
 * whatever range it names.
 */
export const MAX_HOURS_PER_PAGE = 7 * 24 + 1;
const HOUR_MS = 3_600_000;

/** `yyyyMMddHH` as the instant the hour starts; undefined for a string that is not a real hour. */
export function hourStart(hour: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(hour);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:00:00.000Z`);
  return Number.isNaN(date.getTime()) || hourKey(date.toISOString()) !== hour ? undefined : date;
}

/**
 * Tasks created in the query's range, newest first, read through the status index: hour by hour backwards from
 * `until` (or the position), in that hour's partition of each bucket the statuses need, merged by row key (which
 * counts down with the task id, so with time). A row is only a pointer: each task is read, and listed only when its
 * header agrees with the row's bucket (a row a crash left behind is not listed twice) and has a wanted status
 * (OPEN covers three). `next`, when present, is where the following page starts.
 */
export async function listTasks(
  store: TaskStore,
  q: ListQuery,
): Promise<{ headers: TaskHeader[]; next?: ListPosition }> {
  const statuses = new Set<TaskStatus>(q.statuses.length > 0 ? q.statuses : TASK_STATUSES);
  const buckets = [...new Set([...statuses].map(bucketOf))];
  const since = q.since.getTime(),
    until = q.until.getTime();
  const lastHour = hourKey(q.since.toISOString());
  let hour = q.from?.hour ?? hourKey(q.until.toISOString());
  let after = q.from?.after;
  const headers: TaskHeader[] = [];
  for (let walked = 0; hour >= lastHour; walked++) {
    if (walked === MAX_HOURS_PER_PAGE) return { headers, next: { hour } };
    for await (const batch of hourBatches(store.index, buckets, hour, after, q.source, q.limit - headers.length)) {
      // Read only as many headers at once as the page still needs.
      for (let at = 0; at < batch.length; ) {
        const chunk = batch.slice(at, at + q.limit - headers.length);
        at += chunk.length;
        const read = await Promise.all(
          chunk.map((e) => (inRange(e.createdAt, since, until) ? store.get(e.taskId) : undefined)),
        );
        for (const [i, e] of chunk.entries()) {
          const h = read[i]?.header;
          if (h && bucketOf(h.status) === e.bucket && statuses.has(h.status)) headers.push(h);
          if (headers.length === q.limit) return { headers, next: { hour, after: e.rowKey } };
        }
      }
    }
    hour = hourKey(new Date(hourStart(hour)!.getTime() - HOUR_MS).toISOString());
    after = undefined;
  }
  return { headers };
}

function inRange(createdAt: string, since: number, until: number): boolean {
  const t = Date.parse(createdAt);
  return t >= since && t <= until;
}

/**
 * An hour's rows across `buckets`, newest first, in batches of at most `size` per bucket. A bucket that has more
 * than it answered bounds the batch: rows past its last one could interleave with rows it has not yet given.
 */
async function* hourBatches(
  index: TaskIndex,
  buckets: IndexBucket[],
  hour: string,
  after: string | undefined,
  source: string | undefined,
  size: number,
): AsyncGenerator<IndexEntry[]> {
  for (let from = after; ; ) {
    const pages = await Promise.all(buckets.map((b) => index.hourPage(b, hour, size, { after: from, source })));
    const bounds = pages.filter((p) => p.more && p.entries.length > 0).map((p) => p.entries.at(-1)!.rowKey);
    const bound = bounds.length > 0 ? bounds.sort()[0] : undefined;
    const batch = pages
      .flatMap((p) => p.entries)
      .filter((e) => bound === undefined || e.rowKey <= bound)
      .sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
    if (batch.length > 0) yield batch;
    if (bound === undefined) return;
    from = bound;
  }
}
