import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { prepareStorage } from '../../shared/runtime.js';
import { StoreError } from '../../shared/store/errors.js';
import { MINIMAL_SETTINGS } from '../support/minimal-settings.js';
import { type ProxiedAzurite, startProxiedAzurite } from '../support/proxied-azurite.js';

// A preparation of storage (the tables and queues every function needs) that fails says so only once nothing it
// started can still reach storage: an API caller has its 503, and the instance must not go on creating queues and
// tables behind it, which on the request path would be storage work nobody asked for.
let storage: ProxiedAzurite;
beforeAll(async () => {
  storage = await startProxiedAzurite();
});
afterAll(async () => {
  await storage?.stop();
});

// The queue client waits 4 s before its third try (its default exponential retry); a step left running is heard by
// then. The table client's first retry waits at least 500 ms, more than a request already sent takes to arrive.
const QUEUE_RETRY_MS = 4_000;
const IN_FLIGHT_MS = 300;

describe('a storage preparation that fails', () => {
  it('has stopped every step still retrying when it fails: storage back up hears nothing more from it', async () => {
    const config = loadConfig({
      ...MINIMAL_SETTINGS,
      AzureWebJobsStorage: storage.connectionString,
      TASKS_TABLE: `prep${randomBytes(4).toString('hex')}`,
      SYNC_QUEUE: `prep-${randomBytes(4).toString('hex')}`,
    });
    // One table refuses at once (not retried); every other request meets storage down, which the SDKs retry.
    storage.table.answerMatching(/^POST \S+\/Tables/, 400, 1);
    storage.table.down(true);
    storage.queue.down(true);
    const failed = await prepareStorage(config).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StoreError);
    // First tries sent before the failure may still be on their way; they meet storage down. Retries come later.
    await new Promise((r) => setTimeout(r, IN_FLIGHT_MS));
    const heard = { table: storage.table.lines().length, queue: storage.queue.lines().length };
    storage.table.down(false);
    storage.queue.down(false);
    await new Promise((r) => setTimeout(r, QUEUE_RETRY_MS + 1_000));
    expect([...storage.table.lines().slice(heard.table), ...storage.queue.lines().slice(heard.queue)]).toEqual([]);
  }, 30_000);
});
