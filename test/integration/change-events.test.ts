import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { databricksModule } from '../../shared/connectors/databricks/module.js';
import { warehouseOfKind } from '../../shared/connectors/modules.js';
import { diagnosticsKey } from '../../shared/events/dedupe-key.js';
import { type DeliveredEvent, type EventBatchSummary, ingestEventBatch } from '../../shared/intake/event-batch.js';
import { silentLog } from '../../shared/log.js';
import { tableClient } from '../../shared/store/clients.js';
import { SyncMessageSchema, tasksOf } from '../../shared/store/dispatch-queue.js';
import { TaskStore } from '../../shared/store/task-store.js';
import { runTask } from '../../shared/sync/worker.js';
import { TASK_STATUSES } from '../../shared/task/status.js';
import { type DatabricksRig, startDatabricksRig } from '../support/databricks-sync.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

// The warehouses' own change records, as Azure delivers them to the hub, become the same V2 tasks as a
// RESOURCE_SYNC request. Real Azurite, the real intake (idempotency rows, SKIPPED tasks, the sync queue) and, at the
// end, the real worker against the Databricks emulator.

const text = (name: string) => readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8');
const json = <T = unknown>(name: string) => JSON.parse(text(name)) as T;
/** The logId of record `n` in the diagnostics fixtures. */
const logId = (n: number) => `7c1f0a52-3e9b-4d7a-b1c6-${String(n).padStart(12, '0')}`;

const table = (catalog: string, schema: string, t: string) => ({
  type: 'table',
  values: { catalog, schema, table: t },
});
const schema = (catalog: string, s: string) => ({ type: 'schema', values: { catalog, schema: s } });
const catalog = (c: string) => ({ type: 'catalog', values: { catalog: c } });
const sfTable = (t: string, s = 'PUBLIC') => ({ type: 'table', values: { database: 'SALES_DB', schema: s, table: t } });

const MIXED_KEY = diagnosticsKey([4, 6, 9, 13, 15].map(logId));
const MIXED_RESOURCES = [table('main', 'sales', 'orders_2026'), schema('main', 'marketing'), catalog('sandbox')];
const MIXED_DROPPED = {
  read_operation: 5,
  credential_request: 2,
  failed_call: 2,
  duplicate_log_id: 1,
  other_category: 1,
};
const NOISE_DROPPED = { read_operation: 3, credential_request: 1, failed_call: 2, duplicate_log_id: 1 };

let azurite: AzuriteHandle;
let s: TestStorage;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite.stop();
});
// A fresh table and queue per test: what is stored is exactly what the test's batches produced.
beforeEach(async () => {
  s = await startTestStorage(azurite);
});

const ingest = (events: DeliveredEvent[], kind: string, store = s.store) =>
  ingestEventBatch(events, {
    store,
    queue: s.queue,
    warehouse: warehouseOfKind(kind)!,
    instance: 'test',
    log: silentLog,
  });

const summary = (partial: Partial<EventBatchSummary>): EventBatchSummary => ({
  created: 0,
  duplicates: 0,
  skipped: 0,
  storedWithoutContent: 0,
  ignoredOtherConnector: 0,
  failed: 0,
  dropped: {},
  ...partial,
});

interface StoredView {
  eventId: string | undefined;
  status: string;
  message: string;
  source: string;
  appType?: string;
  appSubType?: string;
  requestSource?: string;
  createTime?: string;
  resources: { ref: unknown; status: string; message: string }[];
}

/** Every task in the store, with its resource rows, ordered by the idempotency key it was stored under. */
async function storedTasks(): Promise<StoredView[]> {
  const out: StoredView[] = [];
  for await (const t of s.store.stale([...TASK_STATUSES], new Date(Date.now() + 3_600_000))) {
    const h = t.header;
    const rows = await s.store.resources(h.taskId);
    out.push({
      eventId: h.eventId,
      status: h.status,
      message: h.message,
      source: h.source,
      ...(h.appType ? { appType: h.appType } : {}),
      ...(h.appSubType ? { appSubType: h.appSubType } : {}),
      ...(h.requestSource ? { requestSource: h.requestSource } : {}),
      ...(h.createTime ? { createTime: h.createTime } : {}),
      resources: rows.map((r) => ({ ref: r.ref, status: r.status, message: r.message })),
    });
  }
  return out.sort((a, b) => (a.eventId ?? '').localeCompare(b.eventId ?? ''));
}

/** The task ids waiting on the sync queue, as the worker's trigger would receive them. */
async function queuedTaskIds(): Promise<string[]> {
  const { peekedMessageItems } = await s.queue.client.peekMessages({ numberOfMessages: 32 });
  return peekedMessageItems.flatMap((m) =>
    tasksOf(SyncMessageSchema.parse(JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')))),
  );
}

const pending = (ref: unknown) => ({ ref, status: 'PENDING', message: '' });
const DATABRICKS = {
  source: 'EVENT_HUB',
  appType: 'DATABRICKS',
  appSubType: 'UNITY_CATALOG',
  requestSource: 'DATABRICKS_DIAGNOSTICS',
} as const;
const SNOWFLAKE = { source: 'EVENT_HUB', appType: 'SNOWFLAKE', requestSource: 'SNOWFLAKE_ALERT' } as const;

describe('Databricks diagnostic logs through the Event Hub intake on Azurite', () => {
  it('turns a mixed batch (reads, credential requests, failed calls, a duplicate logId, another category) into one task naming each changed object', async () => {
    const result = await ingest(
      [{ body: text('diagnostics-mixed-batch.json'), eventId: 'seq:0:1' }],
      'databricks_unity_catalog',
    );
    expect(result).toEqual(summary({ created: 1, dropped: MIXED_DROPPED }));
    const tasks = await storedTasks();
    expect(tasks).toEqual([
      {
        eventId: MIXED_KEY,
        status: 'WAITING',
        message: '',
        ...DATABRICKS,
        createTime: '2026-11-27T09:14:03.1480000Z',
        resources: MIXED_RESOURCES.map(pending),
      },
    ]);
    expect(await queuedTaskIds()).toHaveLength(1);
  });

  it('maps a redelivered batch, reordered and under another Event Hub id, to the same task', async () => {
    const { records } = json<{ records: unknown[] }>('diagnostics-mixed-batch.json');
    const first = await ingest([{ body: { records }, eventId: 'seq:0:1' }], 'databricks_unity_catalog');
    const again = await ingest(
      [
        { body: JSON.stringify({ records: [...records].reverse() }), eventId: 'seq:2:40' },
        { body: Buffer.from(JSON.stringify({ records })), eventId: 'seq:3:7' },
      ],
      'databricks_unity_catalog',
    );
    expect(first.created).toBe(1);
    expect(again).toEqual(
      summary({
        duplicates: 2,
        dropped: { read_operation: 10, credential_request: 4, failed_call: 4, duplicate_log_id: 2, other_category: 2 },
      }),
    );
    expect((await storedTasks()).map((t) => t.eventId)).toEqual([MIXED_KEY]);
    expect(await queuedTaskIds()).toHaveLength(1);
  });

  it('stores nothing for a batch of pure noise, and counts it by reason', async () => {
    const result = await ingest(
      [{ body: text('diagnostics-noise-only.json'), eventId: 'seq:0:2' }],
      'databricks_unity_catalog',
    );
    expect(result).toEqual(summary({ dropped: NOISE_DROPPED }));
    expect(await storedTasks()).toEqual([]);
    expect(await queuedTaskIds()).toEqual([]);
  });

  it('syncs the parent schema of a deleted table, and the securable named by a permission change', async () => {
    const result = await ingest(
      [
        { body: text('diagnostics-delete-table.json'), eventId: 'seq:1:1' },
        { body: text('diagnostics-update-permissions.json'), eventId: 'seq:1:2' },
      ],
      'databricks_unity_catalog',
    );
    // An external location's permissions are outside what the connector manages; getEffectivePermissions is a read.
    expect(result).toEqual(summary({ created: 2, dropped: { unsupported_securable: 1, read_operation: 1 } }));
    const expected: StoredView[] = [
      {
        eventId: diagnosticsKey([101, 102, 103].map(logId)),
        status: 'WAITING',
        message: '',
        ...DATABRICKS,
        createTime: '2026-11-27T10:02:11.0000000Z',
        // Two deletes in main.sales fold into one schema sync; the created table is synced itself.
        resources: [schema('main', 'sales'), table('main', 'sales', 'orders_archive')].map(pending),
      },
      {
        eventId: diagnosticsKey([201, 202, 203].map(logId)),
        status: 'WAITING',
        message: '',
        ...DATABRICKS,
        createTime: '2026-11-27T11:20:00.0000000Z',
        // securable_type "SCHEMA" in upper case is read like "schema".
        resources: [table('main', 'sales', 'orders'), schema('main', 'hr'), catalog('main')].map(pending),
      },
    ];
    expect(await storedTasks()).toEqual(expected.sort((a, b) => (a.eventId ?? '').localeCompare(b.eventId ?? '')));
  });

  it('leaves diagnostic logs to a Databricks instance: a Snowflake instance stores nothing and counts the event', async () => {
    const result = await ingest([{ body: text('diagnostics-mixed-batch.json'), eventId: 'seq:0:1' }], 'snowflake');
    expect(result).toEqual(summary({ ignoredOtherConnector: 1, dropped: MIXED_DROPPED }));
    expect(await storedTasks()).toEqual([]);
  });
});

describe('Event Grid and CloudEvents envelopes (the Snowflake alert route) through the intake on Azurite', () => {
  const EG = 'event_grid:';
  const CE = 'cloudevents:%2Fsnowflake%2Faccounts%2Fxy12345%2Falerts%2Fnew_tables:';
  const ORDERS = { ...SNOWFLAKE, createTime: '2026-11-27T12:00:41Z', resources: [pending(sfTable('ORDERS'))] };
  // The alert payload names the view with `view`; the normalizer reads it as the view's `table` identifier.
  const STAGING_AND_VIEW = {
    ...SNOWFLAKE,
    resources: [
      pending({ type: 'schema', values: { database: 'SALES_DB', schema: 'STAGING' } }),
      pending({ type: 'view', values: { database: 'SALES_DB', schema: 'PUBLIC', table: 'ORDERS_V' } }),
    ],
  };

  const envelopes = (): DeliveredEvent[] => [
    { body: text('event-grid-single.json'), eventId: 'seq:0:10' },
    { body: text('event-grid-array.json'), eventId: 'seq:0:11' },
    { body: text('cloudevents-single.json'), eventId: 'seq:1:10' },
    { body: text('cloudevents-batch.json'), eventId: 'seq:1:11' },
  ];

  it('turns every event of a single envelope or an array into its task, and an unusable one into a SKIPPED task with the reason', async () => {
    const result = await ingest(envelopes(), 'snowflake');
    expect(result).toEqual(summary({ created: 6, skipped: 2 }));
    expect(await storedTasks()).toEqual([
      { eventId: `${CE}a1b2c3d4-0001`, status: 'WAITING', message: '', ...ORDERS },
      { eventId: `${CE}a1b2c3d4-0002`, status: 'WAITING', message: '', ...STAGING_AND_VIEW },
      // data_base64: the same payload, base64-encoded.
      { eventId: `${CE}a1b2c3d4-0003`, status: 'WAITING', message: '', ...ORDERS },
      { eventId: `${EG}0b6e1f3a-94c2-4d7e-8a15-2c9f4e6b7d10`, status: 'WAITING', message: '', ...ORDERS },
      { eventId: `${EG}5d3c2b1a-0f9e-4d8c-b7a6-958473625140`, status: 'WAITING', message: '', ...STAGING_AND_VIEW },
      // `data` written as a JSON string.
      { eventId: `${EG}6e4d3c2b-1a0f-4e9d-c8b7-a69584736251`, status: 'WAITING', message: '', ...ORDERS },
      {
        eventId: `${EG}7f5e4d3c-2b1a-4f0e-d9c8-b7a695847362`,
        status: 'SKIPPED',
        source: 'EVENT_HUB',
        resources: [],
        message:
          '[2] invalid RESOURCE_SYNC request: $.data.type: Invalid input: expected "RESOURCE_SYNC"; $.data.requestInfo: Invalid input: expected object, received undefined',
      },
      // A CloudEvent without `source` has no id to dedupe on: it is keyed by its delivery and position.
      {
        eventId: 'seq:1:11:2',
        status: 'SKIPPED',
        source: 'EVENT_HUB',
        resources: [],
        message: '[2] invalid CloudEvent: $.source: Invalid input: expected string, received undefined',
      },
    ]);
    expect(await queuedTaskIds()).toHaveLength(6);
  });

  it('dedupes on the envelope id: the same events redelivered, or republished in other messages, add no task', async () => {
    await ingest(envelopes(), 'snowflake');
    const again = await ingest(
      [
        ...envelopes(),
        // Event Grid retries deliver the same event id inside a different array.
        { body: JSON.stringify([json('event-grid-single.json'), json('cloudevents-single.json')]), eventId: 'seq:3:1' },
      ],
      'snowflake',
    );
    expect(again).toEqual(summary({ duplicates: 10 }));
    expect(await storedTasks()).toHaveLength(8);
    expect(await queuedTaskIds()).toHaveLength(6);
  });
});

describe('one Event Hub batch of every shape', () => {
  const unknown = { body: text('unknown-shape.json'), eventId: 'seq:0:3' };
  // The Snowflake alert in docs/automatic-triggers.md sets appSubType, so that a Databricks instance on the same hub ignores it.
  const eventGrid = json<{ data: string }>('event-grid-single.json');
  const snowflakeAlert = {
    ...eventGrid,
    id: 'sf-alert-1',
    data: { ...(JSON.parse(eventGrid.data) as object), appSubType: 'SNOWFLAKE' },
  };

  const batch = (): DeliveredEvent[] => [
    { body: text('v2-request.json'), eventId: 'seq:0:1' },
    { body: text('diagnostics-mixed-batch.json'), eventId: 'seq:0:2' },
    unknown,
    { body: JSON.stringify(snowflakeAlert), eventId: 'seq:0:4' },
    { body: text('diagnostics-noise-only.json'), eventId: 'seq:0:5' },
    { body: '{"records": [', eventId: 'seq:0:6' }, // cut off mid-message
    { body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), eventId: 'seq:0:7' }, // not UTF-8
    { body: text('diagnostics-mixed-batch.json'), eventId: 'seq:0:8' }, // the same batch twice in one delivery
  ];

  it('handles each event on its own: tasks, SKIPPED reasons, other-connector events and dropped records, all counted', async () => {
    const result = await ingest(batch(), 'databricks_unity_catalog');
    expect(result).toEqual(
      summary({
        created: 2,
        duplicates: 1,
        skipped: 3,
        ignoredOtherConnector: 1,
        // Twice the mixed batch plus the noise-only batch.
        dropped: { read_operation: 13, credential_request: 5, failed_call: 6, duplicate_log_id: 3, other_category: 2 },
      }),
    );
    const tasks = await storedTasks();
    expect(tasks.map(({ eventId, status }) => ({ eventId, status }))).toEqual([
      { eventId: MIXED_KEY, status: 'WAITING' },
      { eventId: 'seq:0:1', status: 'WAITING' },
      { eventId: 'seq:0:3', status: 'SKIPPED' },
      { eventId: 'seq:0:6', status: 'SKIPPED' },
      { eventId: 'seq:0:7', status: 'SKIPPED' },
    ]);
    const byKey = new Map(tasks.map((t) => [t.eventId, t]));
    expect(byKey.get(MIXED_KEY)!.resources).toEqual(MIXED_RESOURCES.map(pending));
    expect(byKey.get('seq:0:1')).toMatchObject({
      appSubType: 'UNITY_CATALOG',
      requestSource: 'ORCHESTRATOR',
      resources: [pending(table('main', 'sales', 'orders'))],
    });
    expect(byKey.get('seq:0:3')!.message).toBe(
      'unrecognised message shape: an object with keys {"alert_name", "fired_at", "tables"}; expected a RESOURCE_SYNC request, ' +
        'a {records:[...]} diagnostics batch, an Event Grid event or a CloudEvent',
    );
    expect(byKey.get('seq:0:6')!.message).toMatch(/^not valid JSON: /);
    expect(byKey.get('seq:0:7')!.message).toBe('not valid JSON: the body is not UTF-8 text');
    expect(await queuedTaskIds()).toHaveLength(2);
  });

  it('throws nothing out of the batch when storage refuses every write: each event is counted as failed', async () => {
    // A task table that was never created: every insert fails on real Azurite, after the intake's retries.
    const broken = new TaskStore(tableClient({ connectionString: azurite.connectionString }, 'tablenevercreated'));
    const result = await ingest(batch(), 'databricks_unity_catalog', broken);
    // The batch repeats one event: that copy is a duplicate within the batch, found without storage.
    expect(result).toMatchObject({ created: 0, duplicates: 1, skipped: 0, ignoredOtherConnector: 1, failed: 5 });
    expect(await queuedTaskIds()).toEqual([]);
  });
});

describe('end to end: a Databricks diagnostic batch becomes a task the worker syncs', () => {
  let rig: DatabricksRig;
  beforeAll(async () => {
    rig = await startDatabricksRig();
  });
  afterAll(async () => {
    await rig.stop();
  });

  it('grants the policies on a newly created table once its createTable record arrives: SUCCESS', async () => {
    // What the diagnostic records describe happened in the workspace: the table, the schema and the catalog exist.
    const m = rig.emulator.metastore;
    m.schema(['main', 'sales']).tables.set('orders_2026', {
      name: 'orders_2026',
      kind: 'TABLE',
      owner: 'dana.lee@contoso.com',
      columns: [{ name: 'id', type: 'bigint' }],
    });
    m.catalog('main').schemas.set('marketing', {
      name: 'marketing',
      owner: 'admin@example.com',
      tables: new Map(),
      functions: new Map(),
      volumes: new Map(),
      models: new Map(),
    });
    m.catalogs.set('sandbox', { name: 'sandbox', owner: 'admin@example.com', schemas: new Map() });
    expect(m.grantsOn('TABLE', 'main.sales.orders_2026')).toEqual([]);

    const { store, queue } = rig.storage;
    const result = await ingestEventBatch([{ body: text('diagnostics-mixed-batch.json'), eventId: 'seq:0:1' }], {
      store,
      queue,
      warehouse: databricksModule,
      instance: 'test',
      log: silentLog,
    });
    expect(result).toEqual(summary({ created: 1, dropped: MIXED_DROPPED }));

    // The queue trigger's message names the task; the worker runs it as the Functions host would.
    const { receivedMessageItems } = await queue.client.receiveMessages({ numberOfMessages: 32 });
    expect(receivedMessageItems).toHaveLength(1);
    const { taskId } = JSON.parse(Buffer.from(receivedMessageItems[0]!.messageText, 'base64').toString('utf8')) as {
      taskId: string;
    };
    await runTask(taskId, rig.deps);

    const done = (await store.get(taskId))!.header;
    expect(done).toMatchObject({
      status: 'SUCCESS',
      source: 'EVENT_HUB',
      eventId: MIXED_KEY,
      resourceCount: 3,
      succeeded: 3,
      failed: 0,
      skipped: 0,
    });
    const rows = await store.resources(taskId);
    expect(rows.map((r) => ({ ref: r.ref, status: r.status }))).toEqual(
      MIXED_RESOURCES.map((ref) => ({ ref, status: 'SUCCESS' })),
    );
    // Policy 1 ("analysts read sales", main.sales.*) now holds on the new table, with USE SCHEMA on its schema.
    expect(rows[0]!.result!.granted).toEqual(
      expect.arrayContaining([expect.stringMatching(/^SELECT ON TABLE main\.sales\.orders_2026 TO GROUP analysts$/)]),
    );
    expect(m.grantsOn('TABLE', 'main.sales.orders_2026').map((g) => `${g.privilege} ${g.principal}`)).toContain(
      'SELECT analysts',
    );
    expect(m.hasGrant('analysts', 'USE SCHEMA', 'SCHEMA', 'main.sales')).toBe(true);

    // The same records redelivered do not sync again.
    const again = await ingestEventBatch([{ body: text('diagnostics-mixed-batch.json'), eventId: 'seq:5:9' }], {
      store,
      queue,
      warehouse: databricksModule,
      instance: 'test',
      log: silentLog,
    });
    expect(again).toMatchObject({ created: 0, duplicates: 1 });
  });
});
