import { randomBytes } from 'node:crypto';
import type { AzuriteHandle } from '../../dev/azurite.js';
import type { SnowflakeEmulator } from '../../dev/emulators/snowflake/index.js';
import { queueClient, tableClient } from '../../shared/store/clients.js';
import { DispatchQueue } from '../../shared/store/dispatch-queue.js';
import { TaskStore } from '../../shared/store/task-store.js';
import { TEST_SECRET } from './api-client.js';

/**
 * App settings for a local host that uses storage and a Snowflake emulator the test owns, with a fresh table
 * and queue, plus the test's own TaskStore / DispatchQueue on the same table and queue to inspect them.
 */
export interface SharedService {
  env: Record<string, string>;
  store: TaskStore;
  queue: DispatchQueue;
}

export async function sharedService(
  azurite: AzuriteHandle,
  emulator: SnowflakeEmulator,
  policyFile: string,
  extra: Record<string, string> = {},
): Promise<SharedService> {
  const suffix = randomBytes(4).toString('hex');
  const env: Record<string, string> = {
    CONNECTOR_KIND: 'snowflake',
    CONNECTOR_INSTANCE: 'reliability',
    SNOWFLAKE_ACCOUNT: 'emulator',
    SNOWFLAKE_USERNAME: 'POLICYSYNC',
    SNOWFLAKE_PASSWORD: 'emulator',
    SNOWFLAKE_ACCESS_URL: emulator.url,
    AzureWebJobsStorage: azurite.connectionString,
    TASKS_TABLE: `rel${suffix}`,
    SYNC_QUEUE: `rel-${suffix}`,
    POLICY_FILE: policyFile,
    JWT_SECRET: TEST_SECRET,
    ...extra,
  };
  const settings = { connectionString: env.AzureWebJobsStorage! };
  const store = new TaskStore(tableClient(settings, env.TASKS_TABLE!));
  const queue = new DispatchQueue(
    queueClient(settings, env.SYNC_QUEUE!),
    queueClient(settings, `${env.SYNC_QUEUE}-poison`),
  );
  await Promise.all([store.init(), queue.init()]);
  return { env, store, queue };
}

/** Polls the store until `taskId` satisfies `done`, with a deadline. */
export async function waitForTask(
  store: TaskStore,
  taskId: string,
  done: (status: string) => boolean,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await store.get(taskId);
    if (t && done(t.header.status)) return t;
    if (Date.now() > deadline) throw new Error(`task ${taskId} is ${t?.header.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const TERMINAL = (s: string) => ['SUCCESS', 'FAILED', 'SKIPPED'].includes(s);
