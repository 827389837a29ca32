import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepStaleTasks } from '../../shared/intake/sweep.js';
import { tableClient } from '../../shared/store/clients.js';
import { type IndexBucket, type IndexEntry, indexPartition, indexRowKey } from '../../shared/store/task-index.js';
import { listTasks } from '../../shared/store/task-listing.js';
import { taskIdAt } from '../../shared/task/task-id.js';
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
    expect(open[0]!.partitionKey).toMatch(/^idx-OPEN-2026030405-\d{11}-\d+$/);

    const finishedAt = new Date('2026-03-04T06:00:00.000Z');
    await s.store.finish(task, 'FAILED', {}, finishedAt);
    expect(await listed('OPEN')).toEqual([]);
    expect(await listed('FAILED')).toMatchObject([
      {
        taskId: task.header.taskId,
        finishedAt: finishedAt.toISOString(),
        partitionKey: expect.stringMatching(/^idx-FAILED-2026030405-\d{11}-\d+$/),
      },
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

describe('index partitions', () => {
  it('lists the tasks a moment created in one partition per bucket, and a later moment in a partition read before it', async () => {
    const at = Date.parse('2026-05-02T08:15:00.000Z');
    const moment = [0, 1, 2].map((n) => newHeader(new Date(at), { taskId: taskIdAt(at + n, n) }));
    const later = newHeader(new Date(at), { taskId: taskIdAt(at + 1_000, 0) });
    const partitions = [...moment, later].map((h) => indexPartition('OPEN', h));
    expect(new Set(partitions.slice(0, 3)).size).toBe(1);
    expect(partitions[3]! < partitions[0]!).toBe(true);
    expect(partitions[0]!).toMatch(/^idx-OPEN-2026050208-\d{11}-0$/);
  });

  it("lists a burst split over a window's groups newest first, page by page, each task once", async () => {
    const at = Date.parse('2026-05-03T09:20:00.000Z');
    // 300 tasks of one millisecond (groups 0, 1 and 2 of its window), and a few of the window's later milliseconds.
    const ids = [
      ...Array.from({ length: 300 }, (_, n) => taskIdAt(at, n)),
      ...[1, 5, 9].map((ms) => taskIdAt(at + ms, 0)),
    ];
    const created = await Promise.all(ids.map((taskId) => s.store.create(newHeader(new Date(at), { taskId }), [])));
    expect(new Set(created.map((t) => indexPartition('OPEN', t.header))).size).toBe(3);
    const query = { statuses: [], since: new Date(at - 60_000), until: new Date(at + 60_000), limit: 7 };
    const seen: string[] = [];
    let page = await listTasks(s.store, query);
    for (;;) {
      seen.push(...page.headers.map((h) => h.taskId));
      if (!page.next) break;
      page = await listTasks(s.store, { ...query, from: page.next });
    }
    expect(seen).toEqual([...ids].sort((a, b) => (BigInt(a) > BigInt(b) ? -1 : 1)));
  });

  it('resumes from any row key a continuation may carry, the extremes included, without failing', async () => {
    const at = Date.parse('2026-05-04T07:30:00.000Z');
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map((n) => s.store.create(newHeader(new Date(at), { taskId: taskIdAt(at + n, 0) }), [])),
    );
    const query = { statuses: [], since: new Date(at - 60_000), until: new Date(at + 60_000), limit: 5 };
    const from = (after: string) => listTasks(s.store, { ...query, from: { hour: '2026050407', after } });
    expect((await from('99999999999999999999')).headers).toEqual([]);
    expect((await from('00000000000000000000')).headers).toHaveLength(5);
  });

  it("still lists, repairs and ages out a task that an earlier release listed in its hour's partition", async () => {
    const hour = Date.parse('2026-06-07T10:00:00.000Z');
    const settings = { connectionString: s.azurite.connectionString };
    const openTable = tableClient(settings, `${s.tasksTable().tableName}open`);
    const stamp = (minute: number) => new Date(hour + minute * 60_000);
    // Listed as a release before the windows did: in `idx-<bucket>-<hour>`, newest between two listed in windows.
    const before = await s.store.create(newHeader(stamp(5), { taskId: taskIdAt(hour + 5 * 60_000, 0) }), []);
    const legacy = newHeader(stamp(10), {
      taskId: taskIdAt(hour + 10 * 60_000, 0),
      status: 'SKIPPED',
      finishedAt: stamp(10).toISOString(),
    });
    const after = await s.store.create(newHeader(stamp(15), { taskId: taskIdAt(hour + 15 * 60_000, 0) }), []);
    await s.store.create(legacy, []);
    await s.store.index.remove('SKIPPED', legacy);
    const row = (bucket: IndexBucket) => ({
      partitionKey: `idx-${bucket}-2026060710`,
      rowKey: indexRowKey(legacy.taskId),
      taskId: legacy.taskId,
      source: legacy.source,
      createdAt: legacy.createdAt,
    });
    await s.tasksTable().createEntity({ ...row('SKIPPED'), finishedAt: legacy.finishedAt });
    await openTable.createEntity(row('OPEN')); // its OPEN row, left behind by a crash between the two writes

    const first = await listTasks(s.store, {
      statuses: [],
      since: new Date(hour),
      until: new Date(hour + 3_599_000),
      limit: 2,
    });
    expect(first.headers.map((h) => h.taskId)).toEqual([after.header.taskId, legacy.taskId]);
    const rest = await listTasks(s.store, {
      statuses: [],
      since: new Date(hour),
      until: new Date(hour + 3_599_000),
      limit: 2,
      from: first.next,
    });
    expect(rest.headers.map((h) => h.taskId)).toEqual([before.header.taskId]);

    // The sweeper drops a row where it read it, not where this release would have put it; retention finds it too.
    expect((await listed('OPEN')).find((e) => e.taskId === legacy.taskId)?.partitionKey).toBe('idx-OPEN-2026060710');
    const swept = await sweepStaleTasks({ store: s.store, queue: s.queue, log: () => undefined });
    expect(swept.repaired).toBeGreaterThanOrEqual(1);
    expect((await listed('OPEN')).some((e) => e.taskId === legacy.taskId)).toBe(false);
    const aged: IndexEntry[] = [];
    for await (const e of s.store.index.entries('SKIPPED', new Date(hour))) aged.push(e);
    expect(aged.map((e) => e.taskId)).toContain(legacy.taskId);
  });
});
