import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { loadConfig } from '../../shared/config.js';
import { prepareStorage } from '../../shared/runtime.js';
import { StoreError } from '../../shared/store/errors.js';
import { endpointOf, type FaultProxy, proxiedConnectionString, startFaultProxy } from '../support/fault-proxy.js';
import { MINIMAL_SETTINGS } from '../support/minimal-settings.js';

// A preparation of storage (the tables and queues every function needs) that fails says so only once nothing it
// started can still reach storage: an API caller has its 503, and the instance must not go on creating queues and
// tables behind it, which on the request path would be storage work nobody asked for.
let azurite: AzuriteHandle;
let table: FaultProxy, queue: FaultProxy;
beforeAll(async () => {
  azurite = await startAzurite();
  table = await startFaultProxy(endpointOf(azurite.connectionString, 'Table'));
  queue = await startFaultProxy(endpointOf(azurite.connectionString, 'Queue'));
});
afterAll(async () => {
  await table?.stop();
  await queue?.stop();
  await azurite?.stop();
});

// The queue client waits 4 s before its third try (its default exponential retry); a step left running is heard by
// then. The table client's first retry waits at least 500 ms, more than a request already sent takes to arrive.
const QUEUE_RETRY_MS = 4_000;
const IN_FLIGHT_MS = 300;

describe('a storage preparation that fails', () => {
  it('has stopped every step still retrying when it fails: storage back up hears nothing more from it', async () => {
    const config = loadConfig({
      ...MINIMAL_SETTINGS,
      AzureWebJobsStorage: proxiedConnectionString(azurite.connectionString, table, queue),
      TASKS_TABLE: `prep${randomBytes(4).toString('hex')}`,
      SYNC_QUEUE: `prep-${randomBytes(4).toString('hex')}`,
    });
    // One table refuses at once (not retried); every other request meets storage down, which the SDKs retry.
    table.answerMatching(/^POST \S+\/Tables/, 400, 1);
    table.down(true);
    queue.down(true);
    const failed = await prepareStorage(config).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StoreError);
    // First tries sent before the failure may still be on their way; they meet storage down. Retries come later.
    await new Promise((r) => setTimeout(r, IN_FLIGHT_MS));
    const heard = { table: table.lines().length, queue: queue.lines().length };
    table.down(false);
    queue.down(false);
    await new Promise((r) => setTimeout(r, QUEUE_RETRY_MS + 1_000));
    expect([...table.lines().slice(heard.table), ...queue.lines().slice(heard.queue)]).toEqual([]);
  }, 30_000);
});
