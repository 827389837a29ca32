import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, mintToken } from '../../shared/auth/index.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { postTask, type TaskApiDeps } from '../../shared/http/task-api.js';
import { ingestEventBatch } from '../../shared/intake/event-batch.js';
import { silentLog } from '../../shared/log.js';
import { HEADER_ROWS } from '../../shared/store/task-store.js';
import { newTaskId } from '../../shared/task/task-id.js';
import { TEST_SECRET, tableRequest } from '../support/api-client.js';
import { apiRequest, expectProblem } from '../support/problem-shape.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

// Idempotency keys belong to their caller and expire: real Azurite, the real TaskStore, a clock the test moves.
let s: TestStorage;
beforeAll(async () => {
  s = await startTestStorage();
});
afterAll(async () => {
  await s.azurite.stop();
});

const T0 = new Date('2026-03-01T08:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);
let unique = 0;
const freshKey = (label: string) => `${label}-${++unique}`;

describe('TaskStore.claimKey', () => {
  it("names the first claim's task until the key expires (24 h by default), then a claim takes it over", async () => {
    const key = freshKey('ttl');
    const [a, b, c, d] = [newTaskId(), newTaskId(), newTaskId(), newTaskId()];
    expect(await s.store.claimKey(key, a, { now: T0 })).toEqual({ taskId: a });
    expect(await s.store.claimKey(key, b, { now: at(23.99) })).toEqual({ taskId: a });
    expect(await s.store.claimKey(key, c, { now: at(24) })).toEqual({ taskId: c });
    expect(await s.store.claimKey(key, d, { now: at(25) })).toEqual({ taskId: c });
  });

  it('keeps apart keys that differ only in an unpaired surrogate (UTF-8 would turn both into U+FFFD)', async () => {
    const [a, b, c] = [newTaskId(), newTaskId(), newTaskId()];
    const stem = freshKey('surrogate');
    expect(await s.store.claimKey(`${stem}\uD800`, a, { now: T0 })).toEqual({ taskId: a });
    expect(await s.store.claimKey(`${stem}\uDC00`, b, { now: T0 })).toEqual({ taskId: b });
    expect(await s.store.claimKey(`${stem}\uFFFD`, c, { now: T0 })).toEqual({ taskId: c });
  });

  it('lets exactly one of two claimers take over an expired key, in each of 20 races, and both name the winner', async () => {
    for (let race = 0; race < 20; race++) {
      const key = freshKey('race');
      await s.store.claimKey(key, newTaskId(), { now: T0 });
      const [a, b] = [newTaskId(), newTaskId()];
      const [ownerA, ownerB] = await Promise.all([
        s.store.claimKey(key, a, { now: at(30) }),
        s.store.claimKey(key, b, { now: at(30) }),
      ]);
      expect(ownerA.taskId, `race ${race}`).toBe(ownerB.taskId);
      expect([a, b], `race ${race}`).toContain(ownerA.taskId);
    }
  });

  it('keeps the fingerprint of the claiming request and hands it to later claimers', async () => {
    const key = freshKey('fp'),
      a = newTaskId();
    await s.store.claimKey(key, a, { now: T0, fingerprint: 'f1' });
    expect(await s.store.claimKey(key, newTaskId(), { now: at(1), fingerprint: 'f2' })).toEqual({
      taskId: a,
      fingerprint: 'f1',
    });
  });

  it('releases a key only while it still names the releasing task, never a claim that took it over', async () => {
    const key = freshKey('release'),
      [a, b] = [newTaskId(), newTaskId()];
    await s.store.claimKey(key, a, { now: T0 });
    await s.store.claimKey(key, b, { now: at(25) });
    await s.store.releaseKey(key, a);
    expect(await s.store.claimKey(key, newTaskId(), { now: at(26) })).toEqual({ taskId: b });
    await s.store.releaseKey(key, b);
    const c = newTaskId();
    expect(await s.store.claimKey(key, c, { now: at(26) })).toEqual({ taskId: c });
  });

  it('honours a configured lifetime (IDEMPOTENCY_TTL_HOURS)', async () => {
    const { TaskStore } = await import('../../shared/store/task-store.js');
    const short = new TaskStore(s.tasksTable(), { keyTtlHours: 1 });
    const key = freshKey('short'),
      [a, b] = [newTaskId(), newTaskId()];
    await short.claimKey(key, a, { now: T0 });
    expect(await short.claimKey(key, b, { now: at(1) })).toEqual({ taskId: b });
  });
});

describe('Idempotency-Key on POST /task', () => {
  let clock = T0;
  let deps: TaskApiDeps;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    deps = {
      store: s.store,
      queue: s.queue,
      warehouse: snowflakeModule,
      instance: 'idem',
      log: silentLog,
      now: () => clock,
      verify: createVerifier({ secret: TEST_SECRET }),
    };
    for (const subject of ['alice', 'bob']) tokens[subject] = await mintToken({ secret: TEST_SECRET, subject });
  });
  const post = (subject: string, key: string, body: unknown, query = '') =>
    postTask(
      apiRequest(
        'POST',
        `http://l/policysync/api/v1/task${query}`,
        { authorization: `Bearer ${tokens[subject]}`, 'content-type': 'application/json', 'idempotency-key': key },
        typeof body === 'string' ? body : JSON.stringify(body),
      ),
      deps,
    );
  const taskOf = (res: { jsonBody?: unknown }) => res.jsonBody as { taskId: string; duplicate?: boolean };

  it('answers a repeat of the same request with the first task, whatever its whitespace, key order or unknown fields', async () => {
    clock = T0;
    const key = freshKey('same');
    const first = await post('alice', key, tableRequest('ORDERS'));
    expect(first.status).toBe(202);
    const reordered = `{ "requestInfo": {"resources":[{"values":{"table":"ORDERS","schema":"PUBLIC","database":"SALES"},"type":"table"}]},\n "type":"RESOURCE_SYNC", "note": "ignored" }`;
    for (const body of [tableRequest('ORDERS'), reordered]) {
      const again = await post('alice', key, body);
      expect([again.status, taskOf(again).taskId, taskOf(again).duplicate]).toEqual([202, taskOf(first).taskId, true]);
    }
  });

  it('refuses the same key with a different request: 422 problem+json idempotency-key-reused, and stores nothing', async () => {
    clock = T0;
    const key = freshKey('reuse');
    const first = await post('alice', key, tableRequest('ORDERS'));
    const before = await taskCount();
    for (const [body, query] of [
      [tableRequest('CUSTOMERS'), ''],
      [tableRequest('ORDERS'), '?dryRun=true'],
      [{ ...tableRequest('ORDERS'), id: 'other' }, ''],
    ] as const) {
      const res = await post('alice', key, body, query);
      expectProblem(res, [422]);
      expect(res.jsonBody).toMatchObject({
        type: 'https://policysync.dev/problems/idempotency-key-reused',
        title: 'Unprocessable Content',
        status: 422,
      });
      expect(JSON.stringify(res.jsonBody)).not.toContain(taskOf(first).taskId);
    }
    expect(await taskCount()).toBe(before);
    expect(taskOf(await post('alice', key, tableRequest('ORDERS'))).taskId).toBe(taskOf(first).taskId);
  });

  it("keeps one caller's key apart from another's: the same key from another subject makes its own task and learns nothing", async () => {
    clock = T0;
    const key = freshKey('shared');
    const alice = await post('alice', key, tableRequest('ORDERS'));
    const bob = await post('bob', key, tableRequest('ORDERS'));
    expect(bob.status).toBe(202);
    expect(taskOf(bob).duplicate).toBeUndefined();
    expect(taskOf(bob).taskId).not.toBe(taskOf(alice).taskId);
    // Bob reusing "his" key with another body is his own conflict, not a window onto Alice's request.
    expect((await post('bob', key, tableRequest('CUSTOMERS'))).status).toBe(422);
    expect(taskOf(await post('alice', key, tableRequest('ORDERS'))).taskId).toBe(taskOf(alice).taskId);
  });

  it('lets a key expire after 24 hours: the same request then makes a new task', async () => {
    const key = freshKey('expiry');
    clock = T0;
    const first = taskOf(await post('alice', key, tableRequest('ORDERS'))).taskId;
    clock = at(23.5);
    expect(taskOf(await post('alice', key, tableRequest('ORDERS'))).taskId).toBe(first);
    clock = at(24.5);
    const later = await post('alice', key, tableRequest('CUSTOMERS'));
    expect(later.status).toBe(202);
    expect(taskOf(later).taskId).not.toBe(first);
    expect(taskOf(later).duplicate).toBeUndefined();
  });
});

describe('Event Hub event ids', () => {
  it('expire the same way: a redelivery within 24 hours is a duplicate, one after it a new task', async () => {
    let clock = T0;
    const deps = {
      store: s.store,
      queue: s.queue,
      warehouse: snowflakeModule,
      instance: 'idem',
      log: silentLog,
      now: () => clock,
    };
    const event = {
      type: 'RESOURCE_SYNC',
      id: `evt-${freshKey('eh')}`,
      requestInfo: { resources: [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' } }] },
    };
    expect(await ingestEventBatch([{ body: event, eventId: 'seq:0:7' }], deps)).toMatchObject({
      created: 1,
      duplicates: 0,
    });
    clock = at(23);
    expect(await ingestEventBatch([{ body: event, eventId: 'seq:0:7' }], deps)).toMatchObject({
      created: 0,
      duplicates: 1,
    });
    clock = at(25);
    expect(await ingestEventBatch([{ body: event, eventId: 'seq:0:7' }], deps)).toMatchObject({
      created: 1,
      duplicates: 0,
    });
  });
});

async function taskCount(): Promise<number> {
  let n = 0;
  for await (const _ of s.tasksTable().listEntities({ queryOptions: { filter: HEADER_ROWS } })) n++;
  return n;
}
