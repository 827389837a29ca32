import { describe, expect, it } from 'vitest';
import { rowSuffix, taskAddress, taskRow, taskRowsFilter } from '../../../shared/store/task-address.js';
import { newTaskId, taskIdAt, taskIdParts } from '../../../shared/task/task-id.js';

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

  it('spreads the tasks a process made in one millisecond over partitions of 128, and POSTs of a window share one', () => {
    const burst = Array.from({ length: 1000 }, (_, n) => taskIdAt(1_900_000_000_000, n));
    const sizes = new Map<string, number>();
    for (const id of burst) sizes.set(taskAddress(id).partitionKey, (sizes.get(taskAddress(id).partitionKey) ?? 0) + 1);
    expect([...sizes.values()]).toEqual([128, 128, 128, 128, 128, 128, 128, 104]);
    const posts = [0, 7, 40].map((ms) => taskIdAt(1_900_000_000_000 + ms, 0));
    expect(new Set(posts.map((id) => taskAddress(id).partitionKey)).size).toBe(1);
  });

  it("keeps a task of the window layout in its window's partition, keyed by its id", () => {
    // The release before set the shared-layout bit only.
    const id = (BigInt(taskIdAt(1_900_000_000_000, 300)) & ~(1n << 62n)).toString();
    const { node, ms } = taskIdParts(id);
    expect(taskAddress(id)).toEqual({ partitionKey: `t${node}-${ms >> 6n}`, prefix: `${id}-` });
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
