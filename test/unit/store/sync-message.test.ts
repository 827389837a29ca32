import { describe, expect, it } from 'vitest';
import { SyncMessageSchema, TASKS_PER_MESSAGE, tasksOf } from '../../../shared/store/dispatch-queue.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => String(900_000_000_000_000_000n + BigInt(i)));

describe('sync queue message', () => {
  it('reads a message naming one task, as every message did before batches', () => {
    expect(tasksOf(SyncMessageSchema.parse({ taskId: '123' }))).toEqual(['123']);
  });

  it('reads a message naming up to 32 tasks, the first in taskId and the rest in more, in order', () => {
    const [first, ...more] = ids(TASKS_PER_MESSAGE);
    expect(tasksOf(SyncMessageSchema.parse({ taskId: first, more }))).toEqual(ids(TASKS_PER_MESSAGE));
  });

  it.each([
    ['33 tasks', { taskId: '1', more: ids(32) }],
    ['an empty more', { taskId: '1', more: [] }],
    ['a task id that is not a number', { taskId: '1', more: ["2' or 1 eq 1"] }],
    ['a 21-digit task id', { taskId: '1', more: ['1'.repeat(21)] }],
    ['more beside a unit', { taskId: '1', unit: 'u00000-00000', more: ['2'] }],
    ['more that is not a list', { taskId: '1', more: '2,3' }],
  ])('refuses a message with %s', (_name, message) => {
    expect(SyncMessageSchema.safeParse(message).success).toBe(false);
  });
});
