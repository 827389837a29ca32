import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import type { IntakeDeps } from '../../shared/intake/create-task.js';
import { ingestEventBatch } from '../../shared/intake/event-batch.js';
import { silentLog } from '../../shared/log.js';
import { SyncMessageSchema, tasksOf } from '../../shared/store/dispatch-queue.js';
import { TASK_STATUSES } from '../../shared/task/status.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

let s: TestStorage;
let deps: IntakeDeps & { log: typeof silentLog };
beforeAll(async () => {
  s = await startTestStorage();
  deps = { store: s.store, queue: s.queue, warehouse: snowflakeModule, instance: 'test', log: silentLog };
});
afterAll(async () => {
  await s.azurite.stop();
});

const v2 = (id: string, table: string, extra: Record<string, unknown> = {}) => ({
  type: 'RESOURCE_SYNC',
  id,
  appType: 'CONNECTOR',
  appSubType: 'SNOWFLAKE',
  ...extra,
  requestInfo: { resources: [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table } }] },
});

async function tasksIn() {
  const tasks = [];
  for await (const t of s.store.stale([...TASK_STATUSES], new Date(Date.now() + 3_600_000))) tasks.push(t.header);
  return tasks.sort((x, y) => x.createdAt.localeCompare(y.createdAt) || x.taskId.localeCompare(y.taskId));
}

describe('Event Hub ingest on Azurite', () => {
  it('turns every good event of a batch into a task and the bad one into a SKIPPED task with the reason', async () => {
    const before = (await tasksIn()).length;
    const summary = await ingestEventBatch(
      [
        { body: v2('e-1', 'ORDERS'), eventId: 'seq:0:1' },
        { body: '{"type": "RESOURCE_SYNC", "requestInfo": ', eventId: 'seq:0:2' },
        { body: { type: 'RESOURCE_SYNC', requestInfo: { resources: [] } }, eventId: 'seq:0:3' },
        { body: v2('e-2', 'CUSTOMERS'), eventId: 'seq:0:4' },
      ],
      deps,
    );
    expect(summary).toMatchObject({ created: 2, skipped: 2, failed: 0 });
    const tasks = (await tasksIn()).slice(before);
    expect(tasks.filter((t) => t.status === 'WAITING')).toHaveLength(2);
    const skipped = tasks.filter((t) => t.status === 'SKIPPED');
    expect(skipped.map((t) => t.message).join('\n')).toMatch(/JSON/);
    expect(skipped.map((t) => t.message).join('\n')).toContain('requestInfo.resources');
    const queued = await s.queue.client.peekMessages({ numberOfMessages: 32 });
    const named = queued.peekedMessageItems.flatMap((m) =>
      tasksOf(SyncMessageSchema.parse(JSON.parse(Buffer.from(m.messageText, 'base64').toString()))),
    );
    for (const t of tasks.filter((t) => t.status === 'WAITING')) expect(named).toContain(t.taskId);
  });

  it('yields one task for duplicate deliveries of the same event id, redelivered or republished', async () => {
    const before = (await tasksIn()).length;
    const first = await ingestEventBatch([{ body: v2('dup-1', 'ORDERS'), eventId: 'seq:1:7' }], deps);
    const again = await ingestEventBatch(
      [
        { body: v2('dup-1', 'ORDERS'), eventId: 'seq:1:7' },
        { body: v2('dup-1', 'ORDERS'), eventId: 'seq:3:99' },
      ],
      deps,
    );
    expect(first.created).toBe(1);
    expect(again).toMatchObject({ created: 0, duplicates: 2 });
    expect((await tasksIn()).length - before).toBe(1);
  });

  it('ignores and counts events addressed to another connector kind, storing nothing', async () => {
    const before = (await tasksIn()).length;
    const summary = await ingestEventBatch(
      [{ body: v2('dbx-1', 'ORDERS', { appSubType: 'DATABRICKS_UNITY_CATALOG' }), eventId: 'seq:2:1' }],
      deps,
    );
    expect(summary.ignoredOtherConnector).toBe(1);
    expect((await tasksIn()).length).toBe(before);
  });
});
