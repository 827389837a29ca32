import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import type { SnowflakeConnector } from '../../shared/connectors/snowflake/snowflake-connector.js';
import { createTask, type IntakeDeps } from '../../shared/intake/create-task.js';
import { ingestEventBatch } from '../../shared/intake/event-batch.js';
import { silentLog } from '../../shared/log.js';
import { SyncMessageSchema } from '../../shared/store/dispatch-queue.js';
import { runTask, type WorkerOutcome } from '../../shared/sync/worker.js';
import { TASK_STATUSES } from '../../shared/task/status.js';
import { emulatorConnector, type SnowflakeRig, startSnowflakeRig, table } from '../support/snowflake-sync.js';

// Promise 2: duplicate Event Hub deliveries and duplicate queue deliveries give one task and one application;
// two workers racing for one task: one claims it, the other stands down. Real Azurite, the real snowflake-sdk
// against the emulator, whose statement log counts the applications.
let rig: SnowflakeRig;
let intake: IntakeDeps & { log: typeof silentLog };
let rival: SnowflakeConnector;
beforeAll(async () => {
  rig = await startSnowflakeRig();
  intake = {
    store: rig.storage.store,
    queue: rig.storage.queue,
    warehouse: snowflakeModule,
    instance: 'rel',
    log: silentLog,
  };
  // A second worker instance: its own connector and Snowflake session.
  rival = emulatorConnector(rig.emulator.url);
}, 30_000);
afterAll(async () => {
  await rival?.close();
  await rig?.stop();
});
beforeEach(() => rig.emulator.control.reset());

const ANALYST_SELECT = (t: string) => `GRANT SELECT ON TABLE "SALES"."PUBLIC"."${t}" TO ROLE "ANALYST"`;
const count = (sql: string) => rig.emulator.control.statements().filter((s) => s.ok && s.sql === sql).length;
const writes = () =>
  rig.emulator.control
    .statements()
    .filter((s) => s.ok && /^\s*(GRANT|REVOKE)/i.test(s.sql))
    .map((s) => s.sql);
/** Drift the test puts back before each round, so every round has exactly one GRANT to apply. */
const drift = (t: string) =>
  rig.emulator.account.revoke({
    privilege: 'SELECT',
    on: { type: 'TABLE', path: ['SALES', 'PUBLIC', t] },
    grantee: 'ANALYST',
  });

async function allTasks() {
  const out = [];
  for await (const t of rig.storage.store.stale([...TASK_STATUSES], new Date(Date.now() + 3_600_000)))
    out.push(t.header);
  return out;
}

/** Delivers every queued message to a worker, as the host would, concurrently; returns the outcomes. */
async function drainQueue(): Promise<WorkerOutcome[]> {
  const outcomes: WorkerOutcome[] = [];
  for (;;) {
    const { receivedMessageItems } = await rig.storage.queue.client.receiveMessages({
      numberOfMessages: 32,
      visibilityTimeout: 30,
    });
    if (receivedMessageItems.length === 0) return outcomes;
    await Promise.all(
      receivedMessageItems.map(async (m, i) => {
        const { taskId } = SyncMessageSchema.parse(JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')));
        outcomes.push(await runTask(taskId, { ...rig.deps, connector: i % 2 === 0 ? rig.connector : rival }));
        await rig.storage.queue.client.deleteMessage(m.messageId, m.popReceipt);
      }),
    );
  }
}

describe('exactly one effect per event', () => {
  it('turns an Event Hub event delivered five times (redelivered batches, a second partition, inside one batch) into one task and one GRANT', async () => {
    drift('ORDERS');
    const before = (await allTasks()).length;
    const event = {
      type: 'RESOURCE_SYNC',
      id: 'evt-dup-1',
      appType: 'CONNECTOR',
      appSubType: 'SNOWFLAKE',
      requestInfo: { resources: [table('ORDERS')] },
    };
    const batches = [
      [{ body: event, eventId: 'seq:0:41' }],
      [
        { body: event, eventId: 'seq:0:41' },
        { body: JSON.stringify(event), eventId: 'seq:0:41' },
      ], // checkpoint lost: redelivered
      [{ body: Buffer.from(JSON.stringify(event)), eventId: 'seq:1:7' }], // republished to another partition
      [{ body: event, eventId: 'msg:abc' }],
    ];
    const summaries = await Promise.all(batches.map((b) => ingestEventBatch(b, intake)));
    expect(summaries.reduce((n, s) => n + s.created, 0)).toBe(1);
    expect(summaries.reduce((n, s) => n + s.duplicates, 0)).toBe(4);
    const created = (await allTasks()).slice(before);
    expect(created).toHaveLength(1);
    const outcomes = await drainQueue();
    expect(outcomes.filter((o) => o === 'completed')).toHaveLength(1);
    expect((await rig.storage.store.get(created[0]!.taskId))!.header.status).toBe('SUCCESS');
    expect(count(ANALYST_SELECT('ORDERS'))).toBe(1);
  });

  it('applies a task once when its queue message is delivered five times at once to two worker instances', async () => {
    drift('CUSTOMERS');
    const { task } = await createTask(
      intake,
      { request: { type: 'RESOURCE_SYNC', requestInfo: { resources: [table('CUSTOMERS')] } } },
      { source: 'API' },
    );
    for (let i = 0; i < 4; i++) await rig.storage.queue.send(task.header.taskId); // at-least-once: four extra copies
    const outcomes = await drainQueue();
    expect(outcomes).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'completed')).toHaveLength(1);
    expect(outcomes.every((o) => ['completed', 'claimed_elsewhere', 'already_terminal'].includes(o))).toBe(true);
    expect(count(ANALYST_SELECT('CUSTOMERS'))).toBe(1);
    // A late copy after the task finished changes nothing.
    const done = (await rig.storage.store.get(task.header.taskId))!;
    expect(await runTask(task.header.taskId, rig.deps)).toBe('already_terminal');
    expect((await rig.storage.store.get(task.header.taskId))!.etag).toBe(done.etag);
  });

  it('lets exactly one of two racing workers claim a task, in each of 30 races, and the grant is applied once per race', async () => {
    const RACES = 30;
    const tally: Record<string, number> = {};
    for (let race = 0; race < RACES; race++) {
      drift('ORDERS');
      rig.emulator.control.reset();
      const { task } = await createTask(
        intake,
        { request: { type: 'RESOURCE_SYNC', requestInfo: { resources: [table('ORDERS')] } } },
        { source: 'API' },
      );
      const outcomes = await Promise.all([
        runTask(task.header.taskId, rig.deps),
        runTask(task.header.taskId, { ...rig.deps, connector: rival }),
      ]);
      for (const o of outcomes) tally[o] = (tally[o] ?? 0) + 1;
      expect(
        outcomes.filter((o) => o === 'completed'),
        `race ${race}: ${outcomes.join(', ')}`,
      ).toHaveLength(1);
      const t = (await rig.storage.store.get(task.header.taskId))!.header;
      expect(t.status).toBe('SUCCESS');
      expect(t.attempt).toBe(1);
      expect(count(ANALYST_SELECT('ORDERS')), `race ${race}`).toBe(1);
      expect(new Set(writes()).size).toBe(writes().length);
    }
    console.log(`${RACES} races of two workers for one task: ${JSON.stringify(tally)}`);
  }, 60_000);
});
