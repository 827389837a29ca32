import { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { createVerifier, mintToken } from '../../shared/auth/index.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { postTask, type TaskApiDeps } from '../../shared/http/task-api.js';
import { ingestEventBatch, POISON_AFTER_REDELIVERIES } from '../../shared/intake/event-batch.js';
import { LOST_MESSAGE_GRACE_SECONDS, sweepStaleTasks } from '../../shared/intake/sweep.js';
import { type Log, silentLog } from '../../shared/log.js';
import { queueClient, tableClient } from '../../shared/store/clients.js';
import { DispatchQueue, SyncMessageSchema, tasksOf } from '../../shared/store/dispatch-queue.js';
import { STORAGE_REQUEST_TIMEOUT_MS } from '../../shared/store/request-timeout.js';
import { TaskStore } from '../../shared/store/task-store.js';
import { TASK_STATUSES } from '../../shared/task/status.js';
import { TEST_SECRET } from '../support/api-client.js';
import {
  endpointOf,
  type FaultBudget,
  type FaultProxy,
  proxiedConnectionString,
  startFaultProxy,
} from '../support/fault-proxy.js';
import { apiRequest, expectProblem } from '../support/problem-shape.js';

// Promise 3: storage stopped (or cut mid-request) during POST -> 503 with Retry-After, and no half-written task:
// no header without its rows, nothing enqueued for a task that was not stored, and a task stored but not
// enqueued (WAITING, no message on its index row) is sent by the sweeper. Azurite is real; a proxy in front of it cuts connections.
let azurite: AzuriteHandle;
let tableProxy: FaultProxy, queueProxy: FaultProxy;
const budget: FaultBudget = { left: Infinity };
let direct: { store: TaskStore; queue: DispatchQueue };
let proxied: string;
let token: string;
const TABLE = 'faulttasks',
  QUEUE = 'fault-sync';
const logged: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
const log: Log = (level, message, fields) => {
  logged.push({ level, message, ...(fields ? { fields } : {}) });
};

beforeAll(async () => {
  azurite = await startAzurite();
  tableProxy = await startFaultProxy(endpointOf(azurite.connectionString, 'Table'), budget);
  queueProxy = await startFaultProxy(endpointOf(azurite.connectionString, 'Queue'), budget);
  proxied = proxiedConnectionString(azurite.connectionString, tableProxy, queueProxy);
  const settings = { connectionString: azurite.connectionString };
  direct = {
    store: new TaskStore(tableClient(settings, TABLE)),
    queue: new DispatchQueue(queueClient(settings, QUEUE), queueClient(settings, `${QUEUE}-poison`)),
  };
  await Promise.all([direct.store.init(), direct.queue.init()]);
  token = await mintToken({ secret: TEST_SECRET, subject: 'rel' });
});
afterAll(async () => {
  await tableProxy?.stop();
  await queueProxy?.stop();
  await azurite?.stop();
});
beforeEach(() => {
  tableProxy.down(false);
  queueProxy.down(false);
  budget.left = Infinity;
  tableProxy.setCutMode('before');
  queueProxy.setCutMode('before');
});

/** The service's own clients (shared/store/clients.ts, default retry policy and request timeout) through the proxy. */
function productionDeps(timeoutMs = STORAGE_REQUEST_TIMEOUT_MS): TaskApiDeps {
  const s = { connectionString: proxied };
  return {
    store: new TaskStore(tableClient(s, TABLE, timeoutMs)),
    queue: new DispatchQueue(queueClient(s, QUEUE), queueClient(s, `${QUEUE}-poison`), timeoutMs),
    warehouse: snowflakeModule,
    instance: 'rel',
    verify: createVerifier({ secret: TEST_SECRET }),
    log,
  };
}

/**
 * The same TaskStore and DispatchQueue on clients that do not retry, so one cut is one failure (and fast); nor does
 * the intake retry a failed send in the background, where it would spend a later test's faults.
 */
function singleShotDeps(): TaskApiDeps {
  const table = TableClient.fromConnectionString(proxied, TABLE, {
    allowInsecureConnection: true,
    retryOptions: { maxRetries: 0 },
  });
  const q = (name: string) => new QueueClient(proxied, name, { retryOptions: { maxTries: 1 } });
  return {
    store: new TaskStore(table),
    queue: new DispatchQueue(q(QUEUE), q(`${QUEUE}-poison`)),
    warehouse: snowflakeModule,
    instance: 'rel',
    sendRetryDelaysMs: [],
    verify: createVerifier({ secret: TEST_SECRET }),
    log,
  };
}

const resources = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({
    type: 'table',
    values: { database: 'SALES', schema: 'PUBLIC', table: `${tag}_${i}` },
  }));
const post = (deps: TaskApiDeps, body: unknown, headers: Record<string, string> = {}) =>
  postTask(
    apiRequest(
      'POST',
      'http://localhost/policysync/api/v1/task',
      { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      JSON.stringify(body),
    ),
    deps,
  );

async function headers() {
  const out = [];
  for await (const t of direct.store.stale([...TASK_STATUSES], new Date(Date.now() + 86_400_000))) out.push(t);
  return out;
}

const seenQueued = new Set<string>();
/** Every task id ever enqueued so far (peek shows at most 32, so messages are received and hidden for a while). */
async function queuedTaskIds(): Promise<Set<string>> {
  for (;;) {
    const { receivedMessageItems } = await direct.queue.client.receiveMessages({
      numberOfMessages: 32,
      visibilityTimeout: 600,
    });
    if (receivedMessageItems.length === 0) return seenQueued;
    for (const m of receivedMessageItems)
      for (const id of tasksOf(SyncMessageSchema.parse(JSON.parse(Buffer.from(m.messageText, 'base64').toString()))))
        seenQueued.add(id);
  }
}

/** No header without every one of its resource rows; its counts match. */
async function expectWholeTasks() {
  for (const t of await headers()) {
    const rows = await direct.store.resources(t.header.taskId);
    expect(rows.length, `task ${t.header.taskId}`).toBe(t.header.resourceCount);
  }
}

describe('storage faults during POST', () => {
  it('answers 503 problem+json with Retry-After and stores and enqueues nothing when storage is down for the whole POST', async () => {
    const before = (await headers()).length;
    tableProxy.down(true);
    queueProxy.down(true);
    const started = Date.now();
    const res = await post(
      productionDeps(),
      { type: 'RESOURCE_SYNC', requestInfo: { resources: resources(3, 'DOWN') } },
      { 'idempotency-key': 'down-1' },
    );
    const elapsed = Date.now() - started;
    expectProblem(res, [503]);
    expect(res.headers!['Retry-After']).toBe('5');
    expect((res.jsonBody as { detail: string }).detail).not.toMatch(/AccountKey|devstoreaccount1|127\.0\.0\.1/);
    console.log(`POST with storage down: 503 after ${elapsed} ms (the SDK's own retries included)`);
    tableProxy.down(false);
    queueProxy.down(false);
    expect((await headers()).length).toBe(before);
    // The caller's retry with the same Idempotency-Key then creates the task, once.
    const again = await post(
      productionDeps(),
      { type: 'RESOURCE_SYNC', requestInfo: { resources: resources(3, 'DOWN') } },
      { 'idempotency-key': 'down-1' },
    );
    expect(again.status).toBe(202);
    expect((await headers()).length).toBe(before + 1);
  }, 60_000);

  it('keeps a task whose enqueue failed stored whole (WAITING, no message; 202 to the caller), and the sweeper sends its message once LOST_MESSAGE_GRACE_SECONDS have passed, not SWEEP_GRACE_SECONDS', async () => {
    queueProxy.down(true);
    // Single-shot clients: the production queue client retries a refused send for ~15 s before giving up.
    const res = await post(
      singleShotDeps(),
      { type: 'RESOURCE_SYNC', requestInfo: { resources: resources(2, 'NOQ') } },
      { 'idempotency-key': 'noq-1' },
    );
    queueProxy.down(false);
    expect(res.status, JSON.stringify(res.jsonBody)).toBe(202);
    const taskId = (res.jsonBody as { taskId: string }).taskId;
    const stored = (await direct.store.get(taskId))!;
    expect(stored.header.status).toBe('WAITING');
    expect(await direct.store.resources(taskId)).toHaveLength(2);
    expect((await queuedTaskIds()).has(taskId)).toBe(false);
    const at = (seconds: number) => () => new Date(Date.parse(stored.header.createdAt) + seconds * 1000);
    // Before the grace, the send may still be on its way: nothing is sent.
    const early = await sweepStaleTasks({ ...direct, log: silentLog, now: at(LOST_MESSAGE_GRACE_SECONDS - 1) });
    expect(early.requeued).toBe(0);
    // After it, though well inside SWEEP_GRACE_SECONDS (60 s), the row without a message is a lost message.
    const swept = await sweepStaleTasks({ ...direct, log: silentLog, now: at(LOST_MESSAGE_GRACE_SECONDS + 1) });
    expect(swept.requeued).toBeGreaterThanOrEqual(1);
    expect((await queuedTaskIds()).has(taskId)).toBe(true);
    // A retry of the request with its Idempotency-Key answers with the same task.
    const again = await post(
      singleShotDeps(),
      { type: 'RESOURCE_SYNC', requestInfo: { resources: resources(2, 'NOQ') } },
      { 'idempotency-key': 'noq-1' },
    );
    expect((again.jsonBody as { taskId: string }).taskId).toBe(taskId);
  }, 60_000);

  it('answers in bounded time when storage takes the request and never answers: 503 for tables, 202 for the queue (the task is stored)', async () => {
    const timeoutMs = 300;
    const deps = productionDeps(timeoutMs);
    for (const proxy of [tableProxy, queueProxy]) {
      proxy.hang(true);
      const started = Date.now();
      const res = await post(deps, { type: 'RESOURCE_SYNC', requestInfo: { resources: resources(1, 'HUNG') } });
      const elapsed = Date.now() - started;
      proxy.hang(false);
      if (proxy === tableProxy) expectProblem(res, [503]);
      else expect(res.status).toBe(202);
      // One timed-out try per storage call; the table client does not retry a try it timed out.
      expect(elapsed).toBeLessThan(10 * timeoutMs);
      console.log(
        `POST with a hung ${proxy === tableProxy ? 'table' : 'queue'} endpoint: ${res.status} after ${elapsed} ms (request timeout ${timeoutMs} ms)`,
      );
    }
    await expectWholeTasks();
  }, 60_000);

  it('answers 202 when the acknowledgement of the task write is lost and the SDK retries it (the retry finds the header it wrote)', async () => {
    const before = (await headers()).length;
    tableProxy.setCutMode('after');
    tableProxy.failMatching(/\$batch/, 1);
    const res = await post(productionDeps(), {
      type: 'RESOURCE_SYNC',
      requestInfo: { resources: resources(2, 'ACK') },
    });
    tableProxy.failMatching(/^$/, 0);
    expect(res.status, JSON.stringify(res.jsonBody)).toBe(202);
    expect((await headers()).length).toBe(before + 1);
    await expectWholeTasks();
  }, 60_000);

  it('cut at every storage request of a POST, before it arrives or after it was applied: only 202 or 503, never a half-written task, and the sweeper leaves nothing undispatched', async () => {
    // Count the storage requests a whole POST makes (150 resources: rows in two transactions, the header in the second).
    const probe = singleShotDeps();
    budget.left = Infinity;
    const t0 = tableProxy.requests() + queueProxy.requests();
    expect(
      (
        await post(
          probe,
          { type: 'RESOURCE_SYNC', requestInfo: { resources: resources(150, 'PROBE') } },
          { 'idempotency-key': 'probe' },
        )
      ).status,
    ).toBe(202);
    const steps = tableProxy.requests() + queueProxy.requests() - t0;
    const statuses: Record<string, number> = {};
    let faults = 0;
    for (const mode of ['before', 'after'] as const) {
      tableProxy.setCutMode(mode);
      queueProxy.setCutMode(mode);
      for (let n = 0; n < steps; n++) {
        for (const keyed of [true, false]) {
          const body = {
            type: 'RESOURCE_SYNC',
            requestInfo: { resources: resources(150, `CUT_${mode}_${n}_${keyed}`) },
          };
          const key = keyed ? { 'idempotency-key': `cut-${mode}-${n}` } : undefined;
          const before = (await headers()).length;
          budget.left = n;
          const res = await post(singleShotDeps(), body, key);
          budget.left = Infinity;
          faults++;
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status !== 202) expectProblem(res, [503]);
          await expectWholeTasks();
          if (keyed) {
            // The caller retries the same request with the same key: it gets one task, whatever was stored before.
            const retry = await post(singleShotDeps(), body, key);
            expect(retry.status, `cut ${mode} ${n}: retry`).toBe(202);
            expect((await headers()).length, `cut ${mode} ${n}: one task for the key`).toBe(before + 1);
          } else {
            expect((await headers()).length - before).toBeLessThanOrEqual(1);
          }
        }
      }
    }
    await expectWholeTasks();
    // Nothing enqueued names a task that was not stored.
    const stored = new Map((await headers()).map((t) => [t.header.taskId, t.header]));
    for (const id of await queuedTaskIds()) expect(stored.has(id), `queued ${id}`).toBe(true);
    // The sweeper dispatches whatever was stored but not enqueued, LOST_MESSAGE_GRACE_SECONDS after it was stored (not
    // after SWEEP_GRACE_SECONDS); afterwards every open task has a message.
    const lost = (LOST_MESSAGE_GRACE_SECONDS + 1) * 1000;
    await sweepStaleTasks({ ...direct, log: silentLog, now: () => new Date(Date.now() + lost) });
    const after = await queuedTaskIds();
    for (const t of await headers()) {
      expect(['WAITING', 'SKIPPED'], `task ${t.header.taskId}`).toContain(t.header.status);
      if (t.header.status === 'WAITING')
        expect(after.has(t.header.taskId), `task ${t.header.taskId} dispatched`).toBe(true);
    }
    console.log(
      `POST cut at each of ${steps} storage requests, two cut modes, with and without Idempotency-Key: ${faults} faults injected, answers ${JSON.stringify(statuses)}, ${stored.size} task(s) stored, lost = 0`,
    );
  }, 120_000);
});

describe('storage faults during Event Hub ingest', () => {
  const delivery = (tag: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      eventId: `seq:${tag}:${i}`,
      body: { type: 'RESOURCE_SYNC', requestInfo: { resources: resources(1, `${tag}_${i}`) } },
    }));
  const storedFor = async (tag: string) => (await headers()).filter((t) => t.header.eventId?.startsWith(`seq:${tag}:`));

  it('counts the events storage could not take as failed, and the batch delivered again stores each of them once', async () => {
    const batch = delivery('EHDOWN', 6);
    const deps = singleShotDeps();
    tableProxy.down(true);
    const outage = await ingestEventBatch(batch, deps);
    expect(outage).toMatchObject({ created: 0, failed: 6 });
    // Storage fails again part way through the next delivery: 4 of the ~8 table requests it needs get through (the
    // six claims share transactions by key partition, the index rows one, the tasks one), so some keys are claimed
    // whose tasks are not stored.
    tableProxy.down(false);
    budget.left = 4;
    const partial = await ingestEventBatch(batch, deps);
    budget.left = Infinity;
    expect(partial.created + partial.failed).toBe(6);
    expect(partial.failed).toBeGreaterThan(0);
    // The third delivery finishes each event: one stored the first time is a duplicate, dispatched now if it was not.
    const last = await ingestEventBatch(batch, deps);
    expect(last.failed).toBe(0);
    expect(last.created + last.duplicates).toBe(6);
    const stored = await storedFor('EHDOWN');
    expect(stored.map((t) => t.header.eventId).sort()).toEqual(batch.map((e) => e.eventId).sort());
    expect(stored.map((t) => t.header.status)).toEqual(Array(6).fill('WAITING'));
    const queued = await queuedTaskIds();
    for (const t of stored) expect(queued.has(t.header.taskId), `task ${t.header.taskId} enqueued`).toBe(true);
    console.log(
      `Event Hub batch of 6 through an outage: ${outage.failed} failed; storage failing part way: ${partial.created} stored, ${partial.failed} failed; third delivery: ${last.created} created, ${last.duplicates} duplicates; 6 tasks, one per event, all WAITING and enqueued`,
    );
  }, 60_000);

  it('keeps an event whose task storage refuses outright (400) as a SKIPPED task saying so, not as a failure to deliver again', async () => {
    const [event] = delivery('EHREFUSED', 1);
    tableProxy.answerMatching(/\$batch/, 400, 1);
    const summary = await ingestEventBatch([event!], productionDeps());
    expect(summary).toMatchObject({ created: 0, skipped: 1, storedWithoutContent: 1, failed: 0 });
    const [task] = await storedFor('EHREFUSED');
    expect(task!.header).toMatchObject({
      status: 'SKIPPED',
      resourceCount: 0,
      message: "task storage refused the task's content (400); the event's content is not kept",
    });
    expect(logged.find((l) => l.message === 'event stored without its content')).toMatchObject({
      level: 'error',
      fields: { dedupeKey: event!.eventId, taskId: task!.header.taskId },
    });
  }, 60_000);

  it('leaves an event storage keeps failing on to redelivery, and after POISON_AFTER_REDELIVERIES stores it as SKIPPED without its content', async () => {
    const [event] = delivery('EHPOISON', 1);
    const deps = singleShotDeps();
    // Every try of the event's transaction gets a 500 (three tries each delivery, single-shot clients).
    tableProxy.answerMatching(/\$batch/, 500, 3);
    const early = await ingestEventBatch([event!], { ...deps, redeliveries: POISON_AFTER_REDELIVERIES - 1 });
    expect(early).toMatchObject({ created: 0, skipped: 0, failed: 1 });
    expect(await storedFor('EHPOISON')).toEqual([]);
    tableProxy.answerMatching(/\$batch/, 500, 3);
    const late = await ingestEventBatch([event!], { ...deps, redeliveries: POISON_AFTER_REDELIVERIES });
    expect(late).toMatchObject({ created: 0, skipped: 1, storedWithoutContent: 1, failed: 0 });
    const [task] = await storedFor('EHPOISON');
    expect(task!.header.status).toBe('SKIPPED');
    expect(task!.header.message).toBe(
      `the event could not be stored in ${POISON_AFTER_REDELIVERIES + 1} deliveries (task storage is unavailable (500)); the event's content is not kept`,
    );
  }, 60_000);

  it('answers 400 problem+json to a POST whose task storage refuses outright, storing nothing', async () => {
    const before = (await headers()).length;
    tableProxy.answerMatching(/\$batch/, 400, 1);
    const res = await post(
      productionDeps(),
      { type: 'RESOURCE_SYNC', requestInfo: { resources: resources(1, 'REFUSED') } },
      { 'idempotency-key': 'refused-1' },
    );
    expectProblem(res, [400]);
    expect((res.jsonBody as { type: string }).type).toMatch(/\/storage-refused$/);
    expect((await headers()).length).toBe(before);
    // The key was released: the same request, once storage takes it, creates its task.
    expect(
      (
        await post(
          productionDeps(),
          { type: 'RESOURCE_SYNC', requestInfo: { resources: resources(1, 'REFUSED') } },
          { 'idempotency-key': 'refused-1' },
        )
      ).status,
    ).toBe(202);
  }, 60_000);
});
