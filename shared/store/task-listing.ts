import { TASK_STATUSES, type TaskStatus } from '../task/status.js';
import type { TaskHeader } from './records.js';
import { bucketOf, hourKey, type IndexEntry, type IndexPage } from './task-index.js';
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
 * `until` (or the position), in that hour's partitions of each bucket the statuses need, merged by row key (which
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
  const hours = hoursBack(q.from?.hour ?? hourKey(q.until.toISOString()), hourKey(q.since.toISOString()));
  const walk = hours.slice(0, MAX_HOURS_PER_PAGE);
  const headers: TaskHeader[] = [];
  const fetch = (hour: string, after: string | undefined, size: number) =>
    Promise.all(buckets.map((b) => store.index.hourPages(b, hour, size, { after, source: q.source }))).then((p) =>
      p.flat(),
    );
  // A quiet range costs a round trip per hour, so the next hours' first pages are asked for while this one is read.
  const started: Promise<IndexPage[]>[] = [];
  const firstPages = (i: number) => {
    for (let j = started.length; j < Math.min(walk.length, i + LOOKAHEAD_HOURS); j++) {
      const pages = fetch(walk[j]!, j === 0 ? q.from?.after : undefined, q.limit - headers.length);
      pages.catch(() => undefined); // awaited when its hour comes; a page that ends first leaves it unread
      started.push(pages);
    }
    return started[i]!;
  };
  for (const [i, hour] of walk.entries()) {
    for await (const batch of hourBatches(firstPages(i), (after) => fetch(hour, after, q.limit - headers.length))) {
      // Read only as many headers at once as the page still needs.
      for (let at = 0; at < batch.length; ) {
        const chunk = batch.slice(at, at + q.limit - headers.length);
        at += chunk.length;
        const read = await Promise.all(
          chunk.map((e) => (inRange(e.createdAt, since, until) ? store.get(e.taskId) : undefined)),
        );
        for (const [k, e] of chunk.entries()) {
          const h = read[k]?.header;
          if (h && bucketOf(h.status) === e.bucket && statuses.has(h.status)) headers.push(h);
          if (headers.length === q.limit) return { headers, next: { hour, after: e.rowKey } };
        }
      }
    }
  }
  const rest = hours[walk.length];
  return rest ? { headers, next: { hour: rest } } : { headers };
}

/** Hours that may be fetched at once ahead of the one being read. */
const LOOKAHEAD_HOURS = 8;

/** `from` and the hours before it down to `to`, newest first, one more than a page walks at most. */
function hoursBack(from: string, to: string): string[] {
  const hours: string[] = [];
  for (let t = hourStart(from)!.getTime(); hours.length <= MAX_HOURS_PER_PAGE; t -= HOUR_MS) {
    const hour = hourKey(new Date(t).toISOString());
    if (hour < to) break;
    hours.push(hour);
  }
  return hours;
}

function inRange(createdAt: string, since: number, until: number): boolean {
  const t = Date.parse(createdAt);
  return t >= since && t <= until;
}

/**
 * An hour's rows across the buckets, newest first: `first` is each bucket's first pages (its windows', its hour
 * partition's), `more` fetches the next ones after a row key. A page that has more than it answered bounds the batch: rows past its last
 * one could interleave with rows it has not yet given.
 */
async function* hourBatches(
  first: Promise<IndexPage[]>,
  more: (after: string) => Promise<IndexPage[]>,
): AsyncGenerator<IndexEntry[]> {
  for (let pages = await first; ; ) {
    const bounds = pages.filter((p) => p.more && p.entries.length > 0).map((p) => p.entries.at(-1)!.rowKey);
    const bound = bounds.length > 0 ? bounds.sort()[0] : undefined;
    const batch = pages
      .flatMap((p) => p.entries)
      .filter((e) => bound === undefined || e.rowKey <= bound)
      .sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
    if (batch.length > 0) yield batch;
    if (bound === undefined) return;
    pages = await more(bound);
  }
}
