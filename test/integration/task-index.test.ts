import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexBucket, IndexEntry } from '../../shared/store/task-index.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';
import { newHeader } from '../support/task-header.js';

let s: TestStorage;
beforeAll(async () => {
  s = await startTestStorage();
});
afterAll(async () => {
  await s.azurite.stop();
});

const header = (createdAt: Date) => newHeader(createdAt);

async function listed(bucket: IndexBucket): Promise<IndexEntry[]> {
  const out: IndexEntry[] = [];
  for await (const e of s.store.index.entries(bucket)) out.push(e);
  return out;
}

describe('status index', () => {
  it('lists a task OPEN from its creation to its end, then under the status it ended in, one row at a time', async () => {
    const created = new Date('2026-03-04T05:06:07.000Z');
    let task = await s.store.create(header(created), []);
    expect((await listed('OPEN')).map((e) => e.taskId)).toEqual([task.header.taskId]);

    task = await s.store.transition(task, 'WAITING');
    task = await s.store.transition(task, 'INPROGRESS', { attempt: 1 });
    const open = await listed('OPEN');
    expect(open).toMatchObject([
      { taskId: task.header.taskId, source: 'EVENT_HUB', createdAt: created.toISOString(), bucket: 'OPEN' },
    ]);
    expect(open[0]!.partitionKey).toBe('idx-OPEN-2026030405');

    const finishedAt = new Date('2026-03-04T06:00:00.000Z');
    await s.store.finish(task, 'FAILED', {}, finishedAt);
    expect(await listed('OPEN')).toEqual([]);
    expect(await listed('FAILED')).toMatchObject([
      { taskId: task.header.taskId, finishedAt: finishedAt.toISOString(), partitionKey: 'idx-FAILED-2026030405' },
    ]);
    expect(await listed('SUCCESS')).toEqual([]);
  });

  it('lists an hour newest first, and finds the hours up to a given one', async () => {
    const hour = Date.parse('2026-04-01T10:00:00.000Z');
    const ids: string[] = [];
    for (const minute of [1, 30, 59]) {
      const t = await s.store.create(header(new Date(hour + minute * 60_000)), []);
      await s.store.finish(await s.store.transition(t, 'WAITING'), 'SKIPPED', {}, new Date(hour + 3_600_000));
      ids.push(t.header.taskId);
    }
    const later = await s.store.create(header(new Date(hour + 2 * 3_600_000)), []);
    await s.store.finish(later, 'SKIPPED', {}, new Date(hour + 3 * 3_600_000));

    expect((await listed('SKIPPED')).map((e) => e.taskId)).toEqual([...ids.reverse(), later.header.taskId]);
    const upTo: string[] = [];
    for await (const e of s.store.index.entries('SKIPPED', new Date(hour + 3_599_000))) upTo.push(e.taskId);
    expect(upTo).toEqual(ids);
  });
});
