import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshStorage } from '../../dev/fresh-storage.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { ingestEventBatch } from '../../shared/intake/event-batch.js';
import { silentLog } from '../../shared/log.js';
import type { ResourceRow, TaskHeader } from '../../shared/store/records.js';
import { taskAddress, taskRowsFilter } from '../../shared/store/task-address.js';
import { HEADER_ROWS, TaskStore } from '../../shared/store/task-store.js';
import { newTaskId, taskIdAt, taskIdParts } from '../../shared/task/task-id.js';
import { startProxiedAzurite } from '../support/proxied-azurite.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';
import { newHeader } from '../support/task-header.js';

// Tasks of one partition (task-address.ts) on real Azurite: each task sees only its own rows, and what the previous
// release stored (a partition per task, a partition per idempotency key) is still read, changed and deleted.
let s: TestStorage;
beforeAll(async () => {
  s = await startTestStorage();
});
afterAll(async () => {
  await s.azurite.stop();
});

const T0 = Date.parse('2026-12-01T10:00:00Z');
const header = (taskId: string, resourceCount: number): TaskHeader =>
  newHeader(new Date(T0), { taskId, status: 'WAITING', resourceCount });
const rows = (n: number, table = 'T'): ResourceRow[] =>
  Array.from({ length: n }, (_, index) => ({
    index,
    ref: { type: 'table', values: { database: 'D', schema: 'S', table: `${table}${index}` } },
    status: 'PENDING',
    message: '',
    updatedAt: '',
  }));
const finishAt = async (taskId: string, when: number) => {
  const stored = (await s.store.get(taskId))!;
  const started = await s.store.transition(stored, 'INPROGRESS', { attempt: 1 }, new Date(when - 1000));
  return s.store.finish(started, 'SUCCESS', {}, new Date(when));
};
const count = async (filter: string) => {
  let n = 0;
  for await (const _ of s.tasksTable().listEntities({ queryOptions: { filter } })) n++;
  return n;
};

describe('tasks sharing a partition', () => {
  it('stores tasks made together in one partition, and each reads, changes and loses only its own rows', async () => {
    const ids = Array.from({ length: 3 }, () => newTaskId(T0));
    expect(new Set(ids.map((id) => taskAddress(id).partitionKey)).size).toBe(1);
    await Promise.all(ids.map((id, i) => s.store.create(header(id, 2 + i), rows(2 + i, `X${i}_`))));
    for (const [i, id] of ids.entries()) {
      expect((await s.store.get(id))?.header).toMatchObject({ taskId: id, resourceCount: 2 + i });
      expect((await s.store.resources(id)).map((r) => r.ref.values.table)).toEqual(
        Array.from({ length: 2 + i }, (_, k) => `X${i}_${k}`),
      );
    }
    // The middle task ends and ages out: retention deletes its rows and not a row of its neighbours.
    await finishAt(ids[1]!, T0 + 60_000);
    expect(await s.store.deleteFinished(ids[1]!, new Date(T0 + 120_000))).toBe('deleted');
    expect(await s.store.get(ids[1]!)).toBeUndefined();
    expect(await count(taskRowsFilter(ids[1]!))).toBe(0);
    expect(await count(taskRowsFilter(ids[0]!))).toBe(3);
    expect(await count(taskRowsFilter(ids[2]!))).toBe(5);
    expect(await s.store.deleteFinished(ids[0]!, new Date(T0 + 120_000))).toBe('kept'); // unfinished
  });

  it('still stores a task of 250 resources whole, in transactions of its own', async () => {
    const id = newTaskId(T0);
    await s.store.create(header(id, 250), rows(250));
    expect((await s.store.resources(id)).length).toBe(250);
    expect((await s.store.get(id))?.header.resourceCount).toBe(250);
  });
});

describe('an Event Hub batch', () => {
  it('stores a batch of 100 events in shared transactions: under 0.7 storage requests an event, every task whole', async () => {
    const proxied = await startProxiedAzurite(s.azurite);
    try {
      const counted = await freshStorage('batch', {
        connectionString: proxied.connectionString,
        stop: async () => undefined,
      });
      const deps = { store: counted.store, queue: counted.queue, warehouse: snowflakeModule, instance: 't' };
      const events = Array.from({ length: 100 }, (_, n) => ({
        eventId: `seq:batch:${n}`,
        body: {
          type: 'RESOURCE_SYNC',
          requestInfo: { resources: [{ type: 'table', values: { database: 'D', schema: 'S', table: `T${n}` } }] },
        },
      }));
      const before = proxied.table.requests() + proxied.queue.requests();
      const summary = await ingestEventBatch(events, { ...deps, log: silentLog });
      const requests = proxied.table.requests() + proxied.queue.requests() - before;
      expect(summary).toMatchObject({ created: 100, failed: 0 });
      // Claims share 16 key partitions; the index rows, the tasks and the message records follow the claims' groups;
      // 4 messages name 32 tasks each. A task a transaction of its own and a claim a request of its own made 2.15.
      console.log(`a batch of 100 events: ${requests} storage requests`);
      expect(requests).toBeLessThan(70);
      const again = await ingestEventBatch(events, { ...deps, log: silentLog });
      expect(again).toMatchObject({ created: 0, duplicates: 100 });
      let tasks = 0;
      for await (const e of counted
        .tasksTable()
        .listEntities<Record<string, unknown>>({ queryOptions: { filter: HEADER_ROWS } })) {
        tasks++;
        expect(e.status).toBe('WAITING');
      }
      expect(tasks).toBe(100);
    } finally {
      await proxied.stop();
    }
  });
});

describe('a large Event Hub batch', () => {
  it('makes its tasks at one instant, so they fill partitions of 128 one after another', async () => {
    const deps = { store: s.store, queue: s.queue, warehouse: snowflakeModule, instance: 't', log: silentLog };
    const events = Array.from({ length: 300 }, (_, n) => ({
      eventId: `seq:large:${n}`,
      body: {
        type: 'RESOURCE_SYNC',
        requestInfo: { resources: [{ type: 'table', values: { database: 'D', schema: 'S', table: `L${n}` } }] },
      },
    }));
    expect(await ingestEventBatch(events, deps)).toMatchObject({ created: 300 });
    const sizes = new Map<string, number>();
    for await (const e of s
      .tasksTable()
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: HEADER_ROWS } }))
      if (String(e.eventId ?? '').startsWith('seq:large:'))
        sizes.set(e.partitionKey!, (sizes.get(e.partitionKey!) ?? 0) + 1);
    expect([...sizes.values()].sort((a, b) => b - a)).toEqual([128, 128, 44]);
  });
});

describe('what the previous release stored', () => {
  // An id of the previous release: the top bit clear; its task a partition of its own keyed `task`, `r00000`, ...
  const legacyId = (n: number) => (((BigInt(T0) - 1_577_836_800_000n) << 22n) + BigInt(n)).toString();

  it('reads, transitions, finishes and deletes a task stored a partition of its own', async () => {
    const id = legacyId(1);
    const h = header(id, 1);
    const { taskId: _, ...rest } = h;
    await s.tasksTable().submitTransaction([
      [
        'create',
        { partitionKey: id, rowKey: 'r00000', index: 0, type: 'table', values: '{"table":"OLD"}', status: 'PENDING' },
      ],
      ['create', { partitionKey: id, rowKey: 'task', ...rest }],
    ]);
    await s.store.index.put(h);
    expect((await s.store.get(id))?.header).toMatchObject({ taskId: id, status: 'WAITING' });
    expect((await s.store.resources(id)).map((r) => r.ref.values.table)).toEqual(['OLD']);
    await finishAt(id, T0 + 60_000);
    expect((await s.tasksTable().getEntity(id, 'task')).status).toBe('SUCCESS');
    expect(await s.store.deleteFinished(id, new Date(T0 + 120_000))).toBe('deleted');
    expect(await count(`PartitionKey eq '${id}'`)).toBe(0);
  });

  it("reads, transitions, finishes and deletes a task of the window layout, in its window's partition", async () => {
    // The release before: the shared-layout bit only, every task of a window in one partition, whatever its sequence.
    const id = (BigInt(taskIdAt(T0, 300)) & ~(1n << 62n)).toString();
    const { node, ms } = taskIdParts(id);
    const window = `t${node}-${ms >> 6n}`;
    const { taskId: _, ...rest } = header(id, 1);
    await s.tasksTable().submitTransaction([
      ['create', { partitionKey: window, rowKey: `${id}-r00000`, index: 0, type: 'table', values: '{"table":"W"}' }],
      ['create', { partitionKey: window, rowKey: `${id}-task`, ...rest }],
    ]);
    expect((await s.store.get(id))?.header).toMatchObject({ taskId: id, status: 'WAITING' });
    expect((await s.store.resources(id)).map((r) => r.ref.values.table)).toEqual(['W']);
    await finishAt(id, T0 + 60_000);
    expect((await s.tasksTable().getEntity(window, `${id}-task`)).status).toBe('SUCCESS');
    expect(await s.store.deleteFinished(id, new Date(T0 + 120_000))).toBe('deleted');
    expect(await count(`PartitionKey eq '${window}'`)).toBe(0);
  });

  it('keeps an unexpired key of a partition of its own naming its task: a repeat is a duplicate, not a second task', async () => {
    const store = new TaskStore(s.tasksTable()); // a process started after the old key was written
    const key = 'eh:seq:legacy:1';
    const hex = createHash('sha256').update(key).digest('hex');
    const now = new Date();
    await s.tasksTable().createEntity({
      partitionKey: `key-${hex}`,
      rowKey: 'key',
      taskId: legacyId(2),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
    });
    expect(await store.claimKey(key, newTaskId(), { now })).toEqual({ taskId: legacyId(2) });
    // Once it expires, the key is claimed afresh, in the new layout, and retention deletes the old row.
    const later = new Date(now.getTime() + 2 * 3_600_000);
    const fresh = newTaskId(later.getTime());
    expect(await new TaskStore(s.tasksTable()).claimKey(key, fresh, { now: later })).toEqual({ taskId: fresh });
    expect(await store.deleteExpiredKeys(later)).toBeGreaterThanOrEqual(1);
    expect(await count(`PartitionKey eq 'key-${hex}'`)).toBe(0);
    expect(await new TaskStore(s.tasksTable()).claimKey(key, newTaskId(), { now: later })).toEqual({ taskId: fresh });
  });
});
