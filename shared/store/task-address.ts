import { odata } from '@azure/data-tables';
import { isGroupedLayoutId, isSharedLayoutId, taskIdParts } from '../task/task-id.js';

/**
 * Where a task's rows live, from its id alone. A task created by this release shares a partition with the tasks its
 * process created in the same window of 2^WINDOW_BITS ms and sequence group: concurrent creations (an Event Hub
 * batch, a burst of POSTs) land in few partitions and can be written in shared entity-group transactions
 * (group-commit.ts), and its rows are keyed by its id (`<id>-task`, `<id>-r00000`, ...). Two earlier layouts are
 * read as they were: a partition of the window alone, and before that a partition of the task's own, keyed by its
 * id, with the rows keyed by what they are (`task`, `r00000`, ...). The id says which (task-id.ts), so reading a task
 * is one point read whichever it is.
 */
export interface TaskAddress {
  partitionKey: string;
  /** What every row key of the task starts with: `<id>-`, or nothing for a partition of its own. */
  prefix: string;
}

/** 2^6 ms: long enough for a batch's tasks to meet in one partition, short enough to spread a day over many. */
const WINDOW_BITS = 6n;
/**
 * 2^7 tasks of one millisecond: a thousand-event batch made in one turn spreads over eight partitions of three
 * transactions each, not one of twenty. Storage that scans a partition for each write (Azurite) slowed with every
 * task the partition held; a POST, alone in its millisecond, still shares its window's first group.
 */
const GROUP_BITS = 7n;

/** The window and the sequence group of an id: what tasks sharing a partition (and an index partition) have alike. */
export function windowAndGroup(taskId: string): { window: bigint; group: bigint } {
  const { ms, sequence } = taskIdParts(taskId);
  return { window: ms >> WINDOW_BITS, group: sequence >> GROUP_BITS };
}

export function taskAddress(taskId: string): TaskAddress {
  if (!isSharedLayoutId(taskId)) return { partitionKey: taskId, prefix: '' };
  const { window, group } = windowAndGroup(taskId);
  const windowKey = `t${taskIdParts(taskId).node}-${window}`;
  const partitionKey = isGroupedLayoutId(taskId) ? `${windowKey}-${group}` : windowKey;
  return { partitionKey, prefix: `${taskId}-` };
}

/** A row of the task: its header (`task`), a resource (`r00000`), a unit (`u00000-00000`), a unit's needs (`n…`). */
export function taskRow(taskId: string, suffix: string): { partitionKey: string; rowKey: string } {
  const { partitionKey, prefix } = taskAddress(taskId);
  return { partitionKey, rowKey: prefix + suffix };
}

/** The row key without the task's prefix. */
export const rowSuffix = (taskId: string, rowKey: string) => rowKey.slice(taskAddress(taskId).prefix.length);

/**
 * A query for the task's rows whose suffix is in [from, below); with neither, every row of the task. `-` sorts
 * before every digit, so `<id>-` rows are exactly those in [`<id>-`, `<id>.`), and no other task's id starts with
 * `<id>-`.
 */
export function taskRowsFilter(taskId: string, from?: string, below?: string): string {
  const { partitionKey, prefix } = taskAddress(taskId);
  const lower = prefix + (from ?? '');
  const upper = below !== undefined ? prefix + below : prefix ? `${prefix.slice(0, -1)}.` : undefined;
  let filter = odata`PartitionKey eq ${partitionKey}`;
  if (lower) filter += odata` and RowKey ge ${lower}`;
  if (upper !== undefined) filter += odata` and RowKey lt ${upper}`;
  return filter;
}
