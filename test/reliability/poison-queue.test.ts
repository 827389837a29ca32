import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageQueueFunctionOptions } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import type { HostSettings } from '../../dev/host/host-json.js';
import { startQueuePoller } from '../../dev/host/queue-poller.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { createTask } from '../../shared/intake/create-task.js';
import type { Services } from '../../shared/runtime.js';
import { TEST_SECRET } from '../support/api-client.js';
import { memoryModule } from '../support/memory/memory-module.js';
import { TERMINAL, waitForTask } from '../support/service-env.js';

// Promise 1: a message that fails 5 times ends in the poison queue and its task FAILED with the last error; a
// message whose task is missing is dropped. The real queue poller of the local host runs the real sync-worker
// function (functions/sync-worker.ts) against Azurite; only the poller's redelivery delay is chosen per test.
let azurite: AzuriteHandle;
let services: Services;
let worker: StorageQueueFunctionOptions;
const lines: Record<string, unknown>[] = [];
const LEASE_SECONDS = 10;

beforeAll(async () => {
  azurite = await startAzurite();
  const dir = mkdtempSync(join(tmpdir(), 'poison-'));
  writeFileSync(join(dir, 'policies.json'), '{"policies": [ this is not JSON');
  const suffix = randomBytes(4).toString('hex');
  Object.assign(process.env, {
    CONNECTOR_KIND: 'memory',
    AzureWebJobsStorage: azurite.connectionString,
    JWT_SECRET: TEST_SECRET,
    POLICY_FILE: join(dir, 'policies.json'),
    TASKS_TABLE: `poison${suffix}`,
    SYNC_QUEUE: `poison-${suffix}`,
    TASK_LEASE_SECONDS: String(LEASE_SECONDS),
  });
  // Imported only now: the function reads its settings once, from the environment just prepared.
  const { appServices, serveWarehouses } = await import('../../functions/services.js');
  const { syncWorkerFunction } = await import('../../functions/sync-worker.js');
  serveWarehouses([memoryModule]);
  services = await appServices();
  worker = syncWorkerFunction();
}, 30_000);
afterAll(async () => {
  await azurite?.stop();
});

const settings = (visibilityTimeoutMs: number): HostSettings => ({
  routePrefix: 'api',
  maxPollingMs: 200,
  visibilityTimeoutMs,
  batchSize: 16,
  maxDequeueCount: 5,
});

async function newTask(table: string): Promise<string> {
  const { task } = await createTask(
    { store: services.store, queue: services.queue, warehouse: snowflakeModule, instance: 't' },
    {
      request: {
        type: 'RESOURCE_SYNC',
        requestInfo: { resources: [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table } }] },
      },
    },
    { source: 'API' },
  );
  return task.header.taskId;
}

async function poisoned(): Promise<string[]> {
  const { peekedMessageItems } = await services.queue.poison.peekMessages({ numberOfMessages: 32 });
  return peekedMessageItems.map((m) => Buffer.from(m.messageText, 'base64').toString('utf8'));
}

async function queueEmpty(deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const { approximateMessagesCount } = await services.queue.client.getProperties();
    if (approximateMessagesCount === 0) return;
    if (Date.now() > deadline) throw new Error(`${approximateMessagesCount} message(s) still queued`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the sync queue', () => {
  it('drops a message whose task row is missing, and one that is not {taskId}, after one delivery each, with a log line', async () => {
    const poller = startQueuePoller(
      'syncWorker',
      worker,
      services.queue.client,
      services.queue.poison,
      settings(0),
      (l) => lines.push(l),
      LEASE_SECONDS * 1000,
    );
    try {
      await services.queue.send('123456789012345678');
      await services.queue.client.sendMessage(Buffer.from('{"hello":"world"}').toString('base64'));
      await queueEmpty(10_000);
    } finally {
      await poller.stop();
    }
    expect(
      lines.some(
        (l) =>
          l.message === 'queue message names a task that does not exist; dropping it' &&
          l.taskId === '123456789012345678',
      ),
    ).toBe(true);
    expect(
      lines.some((l) => l.message === 'sync delivery handled' && l.outcome === 'task_missing' && l.dequeueCount === 1),
    ).toBe(true);
    expect(lines.some((l) => String(l.message).startsWith('sync queue message is not {taskId}'))).toBe(true);
    expect(await poisoned()).toEqual([]);
  });

  it('moves a message that fails on all 5 deliveries to the poison queue and ends its task FAILED with the last error', async () => {
    // The host redelivers a failed message after its visibility timeout (1 s here, 10 s in host.json); the failed
    // attempt has given its lease back by then, so every delivery gets to try.
    const taskId = await newTask('ORDERS');
    const poller = startQueuePoller(
      'syncWorker',
      worker,
      services.queue.client,
      services.queue.poison,
      settings(1000),
      (l) => lines.push(l),
      LEASE_SECONDS * 1000,
    );
    try {
      const done = await waitForTask(services.store, taskId, TERMINAL, 75_000);
      expect(done.header.status).toBe('FAILED');
      expect(done.header.message).toMatch(
        /^failed after 5 attempt\(s\) \(TASK_MAX_ATTEMPTS is 5\): policy file .* is not valid JSON/,
      );
      await queueEmpty(10_000);
    } finally {
      await poller.stop();
    }
    expect(await poisoned()).toContain(JSON.stringify({ taskId }));
    const attempts = lines.filter((l) => l.message === 'task attempt failed' && l.taskId === taskId);
    expect(attempts).toHaveLength(5);
  }, 90_000);

  // A failed attempt gives its lease back, so a redelivery that comes back before the lease would have ended
  // takes the task over instead of standing down (which would let the host delete the message for good).
  it("still poisons the message and fails the task when redeliveries come back before the failed attempt's lease ends", async () => {
    const taskId = await newTask('CUSTOMERS');
    const poller = startQueuePoller(
      'syncWorker',
      worker,
      services.queue.client,
      services.queue.poison,
      settings(500),
      (l) => lines.push(l),
      LEASE_SECONDS * 1000,
    );
    try {
      await waitForTask(services.store, taskId, TERMINAL, 45_000);
      await queueEmpty(10_000);
    } finally {
      await poller.stop();
    }
    const t = (await services.store.get(taskId))!.header;
    console.log(
      `task ${taskId} after its message was consumed: ${t.status}, attempt ${t.attempt}; poison queue: ${(await poisoned()).length}; outcomes: ${lines
        .filter((l) => l.taskId === taskId && l.outcome)
        .map((l) => l.outcome)
        .join(', ')}`,
    );
    expect(t.status).toBe('FAILED');
  }, 75_000);
});
