import { describe, expect, it } from 'vitest';
import {
  isGroupedLayoutId,
  isSharedLayoutId,
  newTaskId,
  TASK_ID_PATTERN,
  taskIdAt,
  taskIdParts,
} from '../../../shared/task/task-id.js';

describe('newTaskId', () => {
  it('is a decimal 64-bit integer, unique and ordered by creation time', () => {
    const ids = Array.from({ length: 10_000 }, () => newTaskId(1_800_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(TASK_ID_PATTERN);
      expect(BigInt(id) < 2n ** 64n).toBe(true);
    }
    const sorted = [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(sorted).toEqual(ids);
    expect(BigInt(newTaskId(1_800_000_100_000)) > BigInt(ids.at(-1)!)).toBe(true);
  });

  it('marks a new id as one of a shared partition, and sorts it after every id made before the mark', () => {
    const id = newTaskId(1_900_000_000_000);
    expect(isSharedLayoutId(id)).toBe(true);
    expect(taskIdParts(id).ms).toBe(1_900_000_000_000n - 1_577_836_800_000n);
    // An id of the previous release: 41 bits of ms, 10 of node, 12 of sequence, the top bit clear.
    const before = ((1_900_000_000_000n - 1_577_836_800_000n) << 22n).toString();
    expect(isSharedLayoutId(before)).toBe(false);
    expect(BigInt(id) > BigInt(before)).toBe(true);
  });

  it('marks a new id as one of a partition split by sequence, and sorts it after every id of the window layout', () => {
    const id = newTaskId(1_900_000_000_000);
    expect(isGroupedLayoutId(id)).toBe(true);
    // An id of the release before: the shared-layout bit set, the next one clear (its milliseconds were below 2^40).
    const before = ((1n << 63n) | ((1_900_000_000_000n - 1_577_836_800_000n) << 22n) | 5n).toString();
    expect(isSharedLayoutId(before)).toBe(true);
    expect(isGroupedLayoutId(before)).toBe(false);
    expect(taskIdParts(before)).toEqual({ ms: 1_900_000_000_000n - 1_577_836_800_000n, node: 0n, sequence: 5n });
    expect(BigInt(id) > BigInt(before)).toBe(true);
    for (const other of ['1234', '18446744073709551616', "1' or '1'='1"]) expect(isGroupedLayoutId(other)).toBe(false);
  });

  it('refuses a time its milliseconds cannot hold, rather than make an id of another layout', () => {
    expect(() => taskIdAt(Date.parse('2054-12-01T00:00:00Z'), 0)).toThrow(RangeError);
    expect(() => taskIdAt(Date.parse('2019-12-31T23:59:59Z'), 0)).toThrow(RangeError);
    expect(isGroupedLayoutId(taskIdAt(Date.parse('2054-10-01T00:00:00Z'), 0))).toBe(true);
  });

  it('makes the id a task of the past had, whatever ids this process made since', () => {
    newTaskId(1_950_000_000_000);
    const past = taskIdAt(1_900_000_000_000, 7);
    expect(taskIdParts(past).ms).toBe(1_900_000_000_000n - 1_577_836_800_000n);
    expect(isSharedLayoutId(past)).toBe(true);
    expect(BigInt(past) & 0xfffn).toBe(7n);
  });

  it('takes no string outside the 64-bit range, or that is not decimal digits, for a shared-partition id', () => {
    for (const hostile of ['18446744073709551616', '99999999999999999999', '', '-1', '1e5', ' 1', "1' or 'a'='a", '0'])
      expect(isSharedLayoutId(hostile)).toBe(false);
    expect(isSharedLayoutId('18446744073709551615')).toBe(true);
  });
});
