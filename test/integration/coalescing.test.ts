import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { createTask } from '../../shared/intake/create-task.js';
import { SyncMessageSchema } from '../../shared/store/dispatch-queue.js';
import { runDelivery } from '../../shared/sync/worker.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { isTerminal } from '../../shared/task/status.js';
import { type SnowflakeRig, startSnowflakeRig, table } from '../support/snowflake-sync.js';

let rig: SnowflakeRig;
beforeAll(async () => {
  rig = await startSnowflakeRig();
  rig.deps.coalescing = { states: rig.storage.states, queue: rig.storage.queue };
});
afterAll(async () => {
  await rig.stop();
});

const intake = () => ({
  store: rig.storage.store,
  queue: rig.storage.queue,
  warehouse: snowflakeModule,
  instance: 't',
});
const reads = () => rig.emulator.control.statements().filter((s) => s.sql.includes('UNION ALL')).length;

async function submit(resources: ResourceRef[]) {
  const { task } = await createTask(
    intake(),
    { request: { type: 'RESOURCE_SYNC', requestInfo: { resources } } },
    { source: 'API' },
  );
  return task.header.taskId;
}

/** Delivers queue messages to `workers` concurrent workers until the queue stays empty, as the host would. */
async function drain(workers: number) {
  const deadline = Date.now() + 60_000;
  let idle = 0;
  while (Date.now() < deadline && idle < 8) {
    const { receivedMessageItems: batch } = await rig.storage.queue.client.receiveMessages({
      numberOfMessages: workers,
      visibilityTimeout: 30,
    });
    if (batch.length === 0) {
      idle++;
      await new Promise((r) => setTimeout(r, 400));
      continue;
    }
    idle = 0;
    await Promise.all(
      batch.map(async (m) => {
        await runDelivery(
          SyncMessageSchema.parse(JSON.parse(Buffer.from(m.messageText, 'base64').toString())),
          rig.deps,
        );
        await rig.storage.queue.client.deleteMessage(m.messageId, m.popReceipt);
      }),
    );
  }
}

describe('burst coalescing', () => {
  it('runs at most two warehouse syncs of a table for a burst of 100 tasks, and every task ends SUCCESS', async () => {
    rig.emulator.control.reset();
    rig.emulator.control.setLatency(30);
    try {
      const ids = await Promise.all(Array.from({ length: 100 }, () => submit([table('ORDERS')])));
      await drain(16);
      const tasks = await Promise.all(ids.map((id) => rig.storage.store.get(id)));
      expect(tasks.every((t) => t && isTerminal(t.header.status))).toBe(true);
      expect(tasks.every((t) => t!.header.status === 'SUCCESS')).toBe(true);
      console.log(`burst of 100 tasks for one table: ${reads()} warehouse sync(s)`);
      expect(reads()).toBeLessThanOrEqual(2);
      const rows = await rig.storage.store.resources(ids.at(-1)!);
      expect(rows[0]!.message).toMatch(/already in sync since|grant|in sync/);
    } finally {
      rig.emulator.control.setLatency(0);
    }
  });

  it('does not let a schema task and a table task inside it apply grants side by side', async () => {
    rig.emulator.control.reset();
    rig.emulator.control.setLatency(40);
    try {
      const schemaTask = await submit([{ type: 'schema', values: { database: 'SALES', schema: 'FINANCE' } }]);
      const tableTask = await submit([table('INVOICES', 'FINANCE')]);
      await drain(4);
      for (const id of [schemaTask, tableTask])
        expect((await rig.storage.store.get(id))!.header.status).toBe('SUCCESS');
      const writes = rig.emulator.control
        .statements()
        .filter((s) => /^\s*(BEGIN|GRANT|REVOKE)/.test(s.sql) && /INVOICES/.test(s.sql));
      const distinct = new Set(writes.map((w) => w.sql));
      expect(writes.length).toBe(distinct.size);
    } finally {
      rig.emulator.control.setLatency(0);
    }
  });

  it('syncs again, read-only, for a task created after the last sync started', async () => {
    const first = await submit([table('CUSTOMERS')]);
    await drain(2);
    expect((await rig.storage.store.get(first))!.header.status).toBe('SUCCESS');
    rig.emulator.control.reset();
    const again = await submit([table('CUSTOMERS')]);
    await drain(2);
    expect(reads()).toBe(1); // created after the last sync started: a real (read-only) sync, not a skip
    expect((await rig.storage.store.resources(again))[0]!.message).toBe('already in sync');
  });
});
