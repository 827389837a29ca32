import { describe, expect, it } from 'vitest';
import { rowSuffix, taskAddress, taskRow, taskRowsFilter } from '../../../shared/store/task-address.js';
import { newTaskId } from '../../../shared/task/task-id.js';

describe('task address', () => {
  it('puts tasks made in one window of one process in one partition, each under its own prefix', () => {
    const a = newTaskId(1_900_000_000_000);
    const b = newTaskId(1_900_000_000_010);
    const later = newTaskId(1_900_000_000_200);
    expect(taskAddress(a).partitionKey).toBe(taskAddress(b).partitionKey);
    expect(taskAddress(later).partitionKey).not.toBe(taskAddress(a).partitionKey);
    expect(taskRow(a, 'task')).toEqual({ partitionKey: taskAddress(a).partitionKey, rowKey: `${a}-task` });
    expect(rowSuffix(a, `${a}-r00003`)).toBe('r00003');
  });

  it("keeps an older task, or any id that is not a new task's, in a partition of its own keyed by the id", () => {
    for (const id of ['1234567890123456789', '18446744073709551616', "x' or PartitionKey ne '"]) {
      expect(taskAddress(id)).toEqual({ partitionKey: id, prefix: '' });
      expect(taskRow(id, 'task')).toEqual({ partitionKey: id, rowKey: 'task' });
    }
  });

  it("bounds a query to the task's own rows, quoting whatever the id holds", () => {
    const id = newTaskId(1_900_000_000_000);
    const pk = taskAddress(id).partitionKey;
    expect(taskRowsFilter(id)).toBe(`PartitionKey eq '${pk}' and RowKey ge '${id}-' and RowKey lt '${id}.'`);
    expect(taskRowsFilter(id, 'r', 's')).toBe(
      `PartitionKey eq '${pk}' and RowKey ge '${id}-r' and RowKey lt '${id}-s'`,
    );
    expect(taskRowsFilter('1')).toBe(`PartitionKey eq '1'`);
    expect(taskRowsFilter("x' or 'a'='a")).toBe(`PartitionKey eq 'x'' or ''a''=''a'`);
  });
});
