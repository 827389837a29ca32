import { describe, expect, it } from 'vitest';
import { newTaskId, TASK_ID_PATTERN } from '../../../shared/task/task-id.js';

describe('newTaskId', () => {
  it('is a decimal 64-bit integer, unique and ordered by creation time', () => {
    const ids = Array.from({ length: 10_000 }, () => newTaskId(1_800_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(TASK_ID_PATTERN);
      expect(BigInt(id) < 2n ** 63n).toBe(true);
    }
    const sorted = [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(sorted).toEqual(ids);
    expect(BigInt(newTaskId(1_800_000_100_000)) > BigInt(ids.at(-1)!)).toBe(true);
  });
});
