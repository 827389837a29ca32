import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { ingestEventBatch } from '../../shared/intake/event-batch.js';
import { type Log, silentLog } from '../../shared/log.js';
import { type SyncMessage, SyncMessageSchema, tasksOf } from '../../shared/store/dispatch-queue.js';
import { runDelivery, type WorkerDeps } from '../../shared/sync/worker.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { fixtureCatalog } from '../support/memory/fixture-catalog.js';
import { MemoryConnector } from '../support/memory/memory-connector.js';
import { selectWorkerDeps } from '../support/memory/select-worker-deps.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

// Promise 1 and 2 for a message that names many tasks (an Event Hub batch's): a worker that dies part way leaves the
// rest to the next delivery, which passes over what is done, takes over the task the dead worker held once its lease
// ran out, and runs the others; no statement is applied twice. Real Azurite, the real intake and worker.
let s: TestStorage;
beforeAll(async () => {
  s = await startTestStorage();
});
afterAll(async () => {
  await s.azurite.stop();
});

const LEASE_SECONDS = 10;

function catalogWith(tables: string[]) {
  const catalog = fixtureCatalog();
  catalog.databases[0]!.schemas[0]!.tables.push(...tables.map((name) => ({ name, columns: ['ID'] })));
  return catalog;
}

function workerDeps(connector: MemoryConnector, extra: Partial<WorkerDeps> = {}): WorkerDeps {
  return selectWorkerDeps(s.store, { queue: s.queue, connector, leaseSeconds: LEASE_SECONDS, ...extra });
}

/** Ingests one Event Hub batch naming `tables` and returns the one message its tasks were sent in. */
async function ingestAsOneMessage(tag: string, tables: string[]): Promise<SyncMessage> {
  const events = tables.map((table, i) => ({
    eventId: `seq:${tag}:${i}`,
    body: {
      type: 'RESOURCE_SYNC',
      requestInfo: { resources: [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table } }] },
    },
  }));
  const summary = await ingestEventBatch(events, {
    store: s.store,
    queue: s.queue,
    warehouse: snowflakeModule,
    instance: 't',
    log: silentLog,
  });
  expect(summary).toMatchObject({ created: tables.length, failed: 0 });
  const { receivedMessageItems } = await s.queue.client.receiveMessages({ numberOfMessages: 32 });
  expect(receivedMessageItems).toHaveLength(1);
  const [m] = receivedMessageItems;
  await s.queue.client.deleteMessage(m!.messageId, m!.popReceipt);
  return SyncMessageSchema.parse(JSON.parse(Buffer.from(m!.messageText, 'base64').toString()));
}

const tableOf = async (taskId: string) => (await s.store.resources(taskId))[0]!.ref.values.table!;
const statusOf = async (taskId: string) => (await s.store.get(taskId))!.header.status;

async function until(check: () => Promise<boolean>, deadlineMs = 20_000) {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached before the deadline');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A connector whose load of `table` never answers until `die` is called (then it fails): a worker frozen there. */
function freezingAt(connector: MemoryConnector, table: string) {
  let die: () => void = () => undefined;
  const frozen = Object.create(connector) as MemoryConnector;
  frozen.load = (ref: ResourceRef) =>
    ref.values.table === table
      ? new Promise((_, reject) => {
          die = () => reject(new Error('the worker process died'));
        })
      : connector.load(ref);
  return { connector: frozen, die: () => die() };
}

describe('a message naming many tasks', () => {
  it('is resumed after its worker dies at the 11th of 32 tasks: the rest run, the dead one is taken over, none applied twice', async () => {
    const tables = Array.from({ length: 32 }, (_, i) => `BATCH_${String(i).padStart(2, '0')}`);
    const message = await ingestAsOneMessage('dies', tables);
    const ids = tasksOf(message);
    expect(ids).toHaveLength(32);
    const warehouse = new MemoryConnector(catalogWith(tables));
    const eleventh = await tableOf(ids[10]!);
    const frozen = freezingAt(warehouse, eleventh);

    const dead = runDelivery(message, workerDeps(frozen.connector));
    await until(async () => (await statusOf(ids[10]!)) === 'INPROGRESS');
    const first = await Promise.all(ids.map(statusOf));
    expect(first.slice(0, 10)).toEqual(Array(10).fill('SUCCESS'));
    expect(first.slice(11)).toEqual(Array(21).fill('WAITING'));

    // The message comes back after its visibility timeout; by then the dead worker's lease has run out.
    const outcomes: Record<string, number>[] = [];
    const log: Log = (_level, msg, fields) => {
      if (msg === 'tasks of one message run in turn') outcomes.push(fields?.outcomes as Record<string, number>);
    };
    const later = () => new Date(Date.now() + (LEASE_SECONDS + 60) * 1000);
    await runDelivery(message, workerDeps(warehouse, { now: later, log }));
    expect(outcomes).toEqual([{ already_terminal: 10, completed: 22 }]);
    expect(await Promise.all(ids.map(statusOf))).toEqual(Array(32).fill('SUCCESS'));

    // The frozen worker wakes only to find its task taken over: it writes and applies nothing more.
    frozen.die();
    await dead;
    const grants = warehouse.statements.filter((sql) => sql.startsWith('GRANT'));
    for (const table of tables)
      expect(
        grants.filter((sql) => sql.includes(`.${table} `)),
        table,
      ).toHaveLength(1);
    expect(new Set(warehouse.statements).size).toBe(warehouse.statements.length);
    expect((await s.store.get(ids[10]!))!.header.attempt).toBe(2);
  }, 60_000);

  it('runs the tasks after one whose attempt fails, and fails the delivery so the failed task comes back alone', async () => {
    const tables = ['TURN_A', 'TURN_B', 'TURN_C'];
    const message = await ingestAsOneMessage('turns', tables);
    const ids = tasksOf(message);
    const warehouse = new MemoryConnector(catalogWith(tables));
    // The second task's attempt cannot read the policies (an attempt failure, not a resource's).
    const healthy = workerDeps(warehouse);
    let reads = 0;
    const flaky: WorkerDeps = {
      ...healthy,
      policies: {
        current: () => (++reads === 2 ? Promise.reject(new Error('policy source hiccup')) : healthy.policies.current()),
      },
    };
    await expect(runDelivery(message, flaky)).rejects.toThrow('policy source hiccup');
    expect(await Promise.all(ids.map(statusOf))).toEqual(['SUCCESS', 'INPROGRESS', 'SUCCESS']);
    expect(await runDelivery(message, healthy)).toBe('already_terminal');
    expect(await Promise.all(ids.map(statusOf))).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(warehouse.statements.filter((sql) => sql.startsWith('GRANT') && sql.includes('.TURN_'))).toHaveLength(3);
  }, 60_000);
});
