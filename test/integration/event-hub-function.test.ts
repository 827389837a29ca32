import functions from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asNodeTriggerMetadata } from '../../dev/host/trigger-metadata.js';
import { EVENT_BATCH_RETRY, eventHubFunction } from '../../functions/event-hub-ingest.js';
import { appServices, serveWarehouses } from '../../functions/services.js';
import { UnstoredEventsError } from '../../shared/intake/event-batch.js';
import { TASK_STATUSES } from '../../shared/task/status.js';
import { TEST_SECRET } from '../support/api-client.js';
import { memoryModule } from '../support/memory/memory-module.js';
import { type ProxiedAzurite, startProxiedAzurite } from '../support/proxied-azurite.js';
import { fixture } from '../unit/events/load-fixture.js';

// The Event Hub function as the Functions host runs it: settings from the environment, its own services, a
// context from the host. What it must do for nothing to be lost: fail the invocation while any event is unstored,
// under a retry policy that has the host deliver the batch again before it checkpoints.
let storage: ProxiedAzurite;

beforeAll(async () => {
  storage = await startProxiedAzurite();
  Object.assign(process.env, {
    CONNECTOR_KIND: 'memory',
    CONNECTOR_INSTANCE: 'ehfn',
    POLICY_FILE: 'dev/demo/policies.json',
    JWT_SECRET: TEST_SECRET,
    CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED: 'false',
    CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED: 'true',
    EVENTHUB_CONNECTION: 'Endpoint=sb://hub.invalid/;SharedAccessKeyName=k;SharedAccessKey=a2V5',
    EVENTHUB_NAME: 'policysync',
    AzureWebJobsStorage: storage.connectionString,
    TASKS_TABLE: 'ehfntasks',
    SYNC_QUEUE: 'ehfn-sync',
  });
  serveWarehouses([memoryModule]);
});
afterAll(async () => {
  await storage?.stop();
});

// The metadata of a batch of two (partition 3, sequence numbers 41 and 42) as the host sends it, converted the way
// the @azure/functions library converts it before the handler sees it.
const HOST_METADATA = fixture<Record<string, unknown>>('event-hub-trigger-metadata.json');
const context = (retryCount?: number, bindingData = HOST_METADATA) =>
  new functions.InvocationContext({
    functionName: 'eventHubIngest',
    invocationId: `inv-${retryCount ?? 0}`,
    triggerMetadata: asNodeTriggerMetadata(bindingData),
    ...(retryCount === undefined ? {} : { retryContext: { retryCount, maxRetryCount: -1 } }),
    logHandler: () => undefined,
  });
const batch = ['ORDERS', 'CUSTOMERS'].map((table) => ({
  type: 'RESOURCE_SYNC',
  requestInfo: { resources: [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table } }] },
}));

describe('the Event Hub function', () => {
  it('declares a retry policy without end, so the host holds the checkpoint while events are unstored', () => {
    const options = eventHubFunction();
    expect(options.retry).toEqual(EVENT_BATCH_RETRY);
    expect(options.retry).toMatchObject({ strategy: 'exponentialBackoff', maxRetryCount: -1 });
    expect(options.cardinality).toBe('many');
  });

  it('fails the invocation while storage cannot take the events, and the redelivered batch stores each event once', async () => {
    const { handler } = eventHubFunction();
    const { store } = await appServices();
    storage.table.down(true);
    const outage = await Promise.resolve(handler(batch, context())).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(outage).toBeInstanceOf(UnstoredEventsError);
    expect(outage).toMatchObject({ code: 'EVENTS_NOT_STORED', failed: 2 });
    storage.table.down(false);
    await handler(batch, context(1));
    await handler(batch, context(2)); // one more delivery: duplicates only
    const stored = [];
    for await (const t of store.stale([...TASK_STATUSES], new Date(Date.now() + 86_400_000))) stored.push(t.header);
    expect(stored.map((h) => h.eventId).sort()).toEqual([
      'seq:3:41:2026-12-06T02:30:11.503',
      'seq:3:42:2026-12-06T02:30:11.519',
    ]);
    expect(stored.map((h) => h.status)).toEqual(['WAITING', 'WAITING']);
  }, 60_000);

  it('stores two identical requests without an id as two tasks: Azure reports them as two events', async () => {
    const { handler } = eventHubFunction();
    const { store } = await appServices();
    // A table dropped and created again: the same request twice, at the next two sequence numbers.
    const again = { ...HOST_METADATA, PartitionContext: { PartitionId: '5' } };
    const same = {
      type: 'RESOURCE_SYNC',
      requestInfo: {
        resources: [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'RECREATED' } }],
      },
    };
    await handler([same, JSON.stringify(same)], context(undefined, again));
    const stored = [];
    for await (const t of store.stale([...TASK_STATUSES], new Date(Date.now() + 86_400_000)))
      if (t.header.eventId?.startsWith('seq:5:')) stored.push(t.header);
    expect(stored.map((h) => h.eventId).sort()).toEqual([
      'seq:5:41:2026-12-06T02:30:11.503',
      'seq:5:42:2026-12-06T02:30:11.519',
    ]);
  }, 60_000);
});
