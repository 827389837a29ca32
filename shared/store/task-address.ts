import { odata } from '@azure/data-tables';
import { isSharedLayoutId, taskIdParts } from '../task/task-id.js';

/**
 * Where a task's rows live, from its id alone. A task created by this release shares a partition with the tasks its
 * process created in the same PARTITION_WINDOW_MS: concurrent creations (an Event Hub batch, a burst of POSTs) land
 * in one partition and can be written in shared entity-group transactions (group-commit.ts), and its rows are keyed
 * by its id (`<id>-task`, `<id>-r00000`, ...). A task created before that has a partition of its own, keyed by its
 * id, with the rows keyed by what they are (`task`, `r00000`, ...). The id says which (task-id.ts), so reading a task
 * is one point read either way.
 */
export interface TaskAddress {
  partitionKey: string;
  /** What every row key of the task starts with: `<id>-`, or nothing for a partition of its own. */
  prefix: string;
}

/** 2^6 ms: long enough for a batch's tasks to meet in one partition, short enough to spread a day over many. */
const WINDOW_BITS = 6n;

export function taskAddress(taskId: string): TaskAddress {
  if (!isSharedLayoutId(taskId)) return { partitionKey: taskId, prefix: '' };
  const { ms, node } = taskIdParts(taskId);
  return { partitionKey: `t${node}-${(ms >> WINDOW_BITS).toString()}`, prefix: `${taskId}-` };
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
