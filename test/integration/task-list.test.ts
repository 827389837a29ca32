import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, mintToken } from '../../shared/auth/index.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { getTasks } from '../../shared/http/task-list.js';
import type { TaskList } from '../../shared/http/task-view.js';
import type { TaskSource } from '../../shared/store/records.js';
import type { StoredTask } from '../../shared/store/task-store.js';
import { isTerminal, type TaskStatus } from '../../shared/task/status.js';
import { TEST_SECRET } from '../support/api-client.js';
import { apiRequest, expectProblem } from '../support/problem-shape.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';
import { newHeader } from '../support/task-header.js';

// GET /tasks over real Azurite, with tasks written by the real TaskStore (so the status index is what production
// writes): newest first across hours and buckets, filters, continuation, and every way a request may be refused.
const NOW = new Date('2026-03-10T12:30:00.000Z');
const at = (iso: string) => new Date(`2026-03-${iso}:00.000Z`);
const silent = () => undefined;

let s: TestStorage;
let token: string;
const seeded: Record<string, StoredTask> = {};

/** A task created at `createdAt` and taken through the store's own transitions to `status`. */
async function seed(name: string, createdAt: Date, source: TaskSource, status: TaskStatus): Promise<void> {
  const header = newHeader(createdAt, { message: name, source });
  let task = await s.store.create(header, []);
  if (status !== 'NEW') task = await s.store.transition(task, 'WAITING', {}, createdAt);
  if (status !== 'NEW' && status !== 'WAITING') task = await s.store.transition(task, 'INPROGRESS', {}, createdAt);
  if (isTerminal(status)) task = await s.store.finish(task, status as 'SUCCESS' | 'FAILED' | 'SKIPPED', {}, createdAt);
  seeded[name] = task;
}

beforeAll(async () => {
  s = await startTestStorage();
  token = await mintToken({ secret: TEST_SECRET, subject: 'lister' });
  // Oldest first: task ids never go back in time within a process.
  await seed('old', at('02T09:00'), 'API', 'SUCCESS');
  await seed('t6', at('10T09:30'), 'API', 'SUCCESS');
  await seed('t7', at('10T09:31'), 'API', 'NEW');
  await seed('t5', at('10T11:01'), 'SCHEDULE', 'WAITING');
  await seed('t4', at('10T11:50'), 'API', 'SKIPPED');
  await seed('t1', at('10T12:05'), 'API', 'SUCCESS');
  await seed('t2', at('10T12:10'), 'EVENT_HUB', 'FAILED');
  await seed('t3', at('10T12:20'), 'API', 'INPROGRESS');
  // A row a crash left behind: t1 finished, but an OPEN row still names it. The header decides.
  await s.store.index.put({ ...seeded.t1!.header, status: 'INPROGRESS' });
});
afterAll(async () => {
  await s.azurite.stop();
});

const deps = () => ({
  store: s.store,
  queue: s.queue,
  warehouse: snowflakeModule,
  instance: 't',
  log: silent,
  verify: createVerifier({ secret: TEST_SECRET }),
});
const list = (query: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
  getTasks(apiRequest('GET', `http://l/policysync/api/v1/tasks?${query}`, headers), deps(), {
    retentionDays: 30,
    now: () => NOW,
  });
async function page(query: string): Promise<TaskList> {
  const res = await list(query);
  expect(res.status, JSON.stringify(res.jsonBody)).toBe(200);
  return res.jsonBody as TaskList;
}
const names = (p: TaskList) => p.tasks.map((t) => t.message);

/** Every page from `query` on, following the continuation. */
async function pages(query: string): Promise<TaskList[]> {
  const out = [await page(query)];
  while (out.at(-1)!.continuation)
    out.push(await page(`${query}&continuation=${encodeURIComponent(out.at(-1)!.continuation!)}`));
  return out;
}

describe('GET /policysync/api/v1/tasks', () => {
  it('lists the last week newest first across hours and buckets, each task once, as its header says', async () => {
    const p = await page('');
    expect(names(p)).toEqual(['t3', 't2', 't1', 't4', 't5', 't7', 't6']);
    expect(p.continuation).toBeUndefined();
    expect(p.tasks.find((t) => t.message === 't1')).toMatchObject({ status: 'SUCCESS', source: 'API' });
    expect(p.tasks[0]).not.toHaveProperty('resources');
  });

  it('filters by status (OPEN rows checked against each header), by source, and by since and until', async () => {
    expect(names(await page('status=FAILED,SKIPPED'))).toEqual(['t2', 't4']);
    expect(names(await page('status=WAITING'))).toEqual(['t5']);
    expect(names(await page('status=INPROGRESS'))).toEqual(['t3']);
    expect(names(await page('status=NEW,SUCCESS'))).toEqual(['t1', 't7', 't6']);
    expect(names(await page('source=API'))).toEqual(['t3', 't1', 't4', 't7', 't6']);
    expect(names(await page('source=API&status=SUCCESS'))).toEqual(['t1', 't6']);
    expect(names(await page('source=PRINCIPAL_CHANGE'))).toEqual([]);
    // The source is a value in the storage filter, never part of its syntax.
    expect(names(await page(`source=${encodeURIComponent("API' or source ne 'x")}`))).toEqual([]);
    expect(names(await page('since=2026-03-10T11:00:00Z&until=2026-03-10T12:06:00Z'))).toEqual(['t1', 't4', 't5']);
    expect(names(await page('status=&source=&limit='))).toHaveLength(7);
  });

  it('pages with a continuation that resumes mid-hour and across hours, and reaches back past a week in steps', async () => {
    const twos = await pages('limit=2');
    expect(twos.map((p) => p.tasks.length)).toEqual([2, 2, 2, 1]);
    expect(twos.flatMap(names)).toEqual(['t3', 't2', 't1', 't4', 't5', 't7', 't6']);
    expect(twos[0]!.continuation).toMatch(/^[A-Za-z0-9_-]+$/);

    const mixed = await pages('limit=1&status=SUCCESS,WAITING');
    expect(mixed.flatMap(names)).toEqual(['t1', 't5', 't6']);

    // Nine days: one page walks at most a week of hours, so the old task comes on the next page.
    const long = await pages('since=2026-03-01T12:30:00Z');
    expect(long.map(names)).toEqual([['t3', 't2', 't1', 't4', 't5', 't7', 't6'], ['old']]);
  });

  it('refuses a forged or malformed continuation with 400, never follows it', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const forged = [
      'not base64!',
      b64('hello'),
      b64({ v: 1, hour: '2026031099' }),
      b64({ v: 1, hour: '2026021012' }), // before since: an unbounded walk backwards
      b64({ v: 1, hour: '2026031112' }), // after until
      b64({ v: 1, hour: '2026031012', after: "' or 1 eq 1" }),
      b64({ v: 2, hour: '2026031012' }),
      b64({ v: 1, hour: '2026031012', extra: 'x'.repeat(10) }),
      'A'.repeat(5000),
    ];
    for (const token of forged) {
      const res = await list(`continuation=${encodeURIComponent(token)}`);
      expectProblem(res, [400]);
      expect((res.jsonBody as { type: string }).type, token).toMatch(/invalid-continuation$/);
    }
  });

  it('refuses a range over the retention period, a reversed range and bad parameters with 400', async () => {
    for (const query of [
      'since=2026-02-01T00:00:00Z',
      'since=2026-03-10T12:00:00Z&until=2026-03-10T11:00:00Z',
      'until=2026-05-01T00:00:00Z&since=2026-03-01T00:00:00Z',
      'limit=201',
      'limit=0',
      'limit=ten',
      'status=DONE',
      'since=yesterday',
      `source=${'x'.repeat(65)}`,
      'other=1',
    ]) {
      const res = await list(query);
      expectProblem(res, [400]);
      expect((res.jsonBody as { type: string }).type, query).toMatch(/invalid-request$/);
    }
  });

  it('answers 401 to no token or a bad one, before storage is reached', async () => {
    const lazy = {
      verify: createVerifier({ secret: TEST_SECRET }),
      log: silent,
      storage: () => Promise.reject(new Error('storage reached by an anonymous request')),
    };
    for (const headers of [{}, { authorization: 'Bearer nope' }] as Record<string, string>[]) {
      const res = await getTasks(apiRequest('GET', 'http://l/policysync/api/v1/tasks', headers), lazy, {
        retentionDays: 30,
      });
      expectProblem(res, [401]);
    }
  });
});
