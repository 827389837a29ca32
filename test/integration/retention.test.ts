import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteExpired } from '../../shared/intake/retention.js';
import { silentLog } from '../../shared/log.js';
import { tableClient } from '../../shared/store/clients.js';
import type { TaskHeader } from '../../shared/store/records.js';
import { taskRow, taskRowsFilter } from '../../shared/store/task-address.js';
import type { IndexBucket } from '../../shared/store/task-index.js';
import { TaskStore } from '../../shared/store/task-store.js';
import { newTaskId } from '../../shared/task/task-id.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

let s: TestStorage;
let store: TaskStore; // keys live 24 hours
beforeAll(async () => {
  s = await startTestStorage();
  const table = s.tasksTable();
  store = new TaskStore(table, {
    keyTtlHours: 24,
    openTable: tableClient({ connectionString: s.azurite.connectionString }, `${table.tableName}open`),
  });
});
afterAll(async () => {
  await s.azurite.stop();
});

const DAY = 86_400_000;
const NOW = new Date();
const RETENTION_DAYS = 30;
const CUTOFF = NOW.getTime() - RETENTION_DAYS * DAY;
const at = (ms: number) => new Date(ms);

/** A task created at `createdAt` with two resource rows and a row of another kind, ended SUCCESS at `finishedAt`. */
async function task(createdAt: number, finishedAt?: number): Promise<TaskHeader> {
  const stamp = at(createdAt).toISOString();
  const header: TaskHeader = {
    taskId: newTaskId(createdAt),
    type: 'RESOURCE_SYNC',
    status: 'WAITING',
    message: '',
    source: 'API',
    instance: 't',
    dryRun: false,
    attempt: 0,
    createdAt: stamp,
    updatedAt: stamp,
    resourceCount: 2,
    succeeded: 0,
    failed: 0,
    skipped: 0,
  };
  const row = (index: number) => ({
    index,
    ref: { type: 'table', values: { database: 'D', schema: 'S', table: `T${index}` } },
    status: 'PENDING' as const,
    message: '',
    updatedAt: stamp,
  });
  let stored = await store.create(header, [row(0), row(1)]);
  // Rows of kinds retention does not know (units of a fanned-out task) go with the partition all the same.
  await s.tasksTable().upsertEntity({ ...taskRow(header.taskId, 'u00000'), done: true });
  if (finishedAt !== undefined) {
    stored = await store.transition(stored, 'INPROGRESS', { attempt: 1 }, at(finishedAt - 60_000));
    stored = await store.finish(stored, 'SUCCESS', {}, at(finishedAt));
  }
  return stored.header;
}

async function rowsOf(taskId: string): Promise<number> {
  let n = 0;
  for await (const _ of s.tasksTable().listEntities({ queryOptions: { filter: taskRowsFilter(taskId) } })) n++;
  return n;
}

async function listed(bucket: IndexBucket, h: TaskHeader): Promise<boolean> {
  for await (const e of store.index.entries(bucket)) if (e.taskId === h.taskId) return true;
  return false;
}

async function stateKeys(): Promise<string[]> {
  const keys: string[] = [];
  const states = tableClient({ connectionString: s.azurite.connectionString }, `${s.tasksTable().tableName}resources`);
  for await (const e of states.listEntities()) keys.push(e.rowKey ?? '');
  return keys.sort();
}

/** A resource-state row whose last sync started at `startedAt`, leased until `leaseUntil` when given. */
async function state(key: string, startedAt: number, leaseUntil?: number) {
  const held = await s.states.acquire(undefined, key, 'w', at(startedAt), at(startedAt + 60_000));
  if (!held) throw new Error('lease not taken');
  await s.states.release(held, { startedAt: at(startedAt), policyVersion: 'v1' });
  if (leaseUntil !== undefined) {
    const [row] = await s.states.get([key]);
    await s.states.acquire(row, key, 'w2', at(leaseUntil - 60_000), at(leaseUntil));
  }
}

describe('retention', () => {
  it('deletes exactly what is past its age: finished tasks with every row, expired keys, idle state rows', async () => {
    const minute = 60_000;
    const oldDone = await task(CUTOFF - 3 * DAY, CUTOFF - minute); // finished just outside the window
    const recentDone = await task(CUTOFF - 3 * DAY, CUTOFF + minute); // created long ago, finished just inside
    const newDone = await task(NOW.getTime() - DAY, NOW.getTime() - DAY + minute);
    const oldUnfinished = await task(CUTOFF - 10 * DAY); // never finished: the sweeper's, not retention's

    await store.claimKey('expired', oldDone.taskId, { now: at(NOW.getTime() - 25 * 3_600_000) });
    await store.claimKey('live', newDone.taskId, { now: at(NOW.getTime() - 23 * 3_600_000) });

    await state('"D"."OLD"', CUTOFF - minute);
    await state('"D"."RECENT"', CUTOFF + minute);
    await state('"D"."OLD_BUT_LEASED"', CUTOFF - DAY, NOW.getTime() + 5 * minute);

    const result = await deleteExpired({ store, states: s.states, log: silentLog, now: () => NOW }, RETENTION_DAYS);
    expect(result).toEqual({ tasks: 1, keys: 1, states: 1 });

    expect(await rowsOf(oldDone.taskId)).toBe(0);
    expect(await listed('SUCCESS', oldDone)).toBe(false);
    for (const kept of [recentDone, newDone]) {
      expect(await rowsOf(kept.taskId)).toBe(4); // header, two resources, one unit
      expect(await listed('SUCCESS', kept)).toBe(true);
    }
    expect((await store.get(oldUnfinished.taskId))!.header.status).toBe('WAITING');
    expect(await listed('OPEN', oldUnfinished)).toBe(true);

    expect(await store.claimKey('expired', 'x', { now: NOW })).toEqual({ taskId: 'x' }); // gone: free to claim
    expect(await store.claimKey('live', 'y', { now: NOW })).toEqual({ taskId: newDone.taskId });

    expect(await stateKeys()).toEqual(['"D"."OLD_BUT_LEASED"', '"D"."RECENT"']);

    // A second run finds nothing more to delete.
    expect(await deleteExpired({ store, states: s.states, log: silentLog, now: () => NOW }, RETENTION_DAYS)).toEqual({
      tasks: 0,
      keys: 0,
      states: 0,
    });
  });

  it('deletes a finished task of more than 100 rows in transactions of 100, and finishes a run that stopped halfway', async () => {
    const h = await task(CUTOFF - 5 * DAY, CUTOFF - DAY);
    const extra = Array.from({ length: 150 }, (_, i) => taskRow(h.taskId, `u${String(i + 1).padStart(5, '0')}`));
    for (let i = 0; i < extra.length; i += 100)
      await s.tasksTable().submitTransaction(extra.slice(i, i + 100).map((e) => ['upsert', e] as ['upsert', typeof e]));
    // A run that deleted the header and stopped before the rest and the index row.
    const head = taskRow(h.taskId, 'task');
    await s.tasksTable().deleteEntity(head.partitionKey, head.rowKey);

    const result = await deleteExpired({ store, states: s.states, log: silentLog, now: () => NOW }, RETENTION_DAYS);
    expect(result.tasks).toBe(1);
    expect(await rowsOf(h.taskId)).toBe(0);
    expect(await listed('SUCCESS', h)).toBe(false);
  });
});
