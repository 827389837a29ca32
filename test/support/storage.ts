import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { startAzurite, type AzuriteHandle } from '../../dev/azurite.js';
import { queueClient, tableClient } from '../../shared/store/clients.js';
import { DispatchQueue } from '../../shared/store/dispatch-queue.js';
import { ResourceStateStore } from '../../shared/store/resource-state.js';
import { TaskStore } from '../../shared/store/task-store.js';

export interface TestStorage { azurite: AzuriteHandle; store: TaskStore; queue: DispatchQueue; states: ResourceStateStore; tasksTable: () => TableClient }

/** Real Azurite, in-process and in-memory, with a fresh table and queue per call. */
export async function startTestStorage(azurite?: AzuriteHandle): Promise<TestStorage> {
  const a = azurite ?? (await startAzurite());
  const suffix = randomBytes(4).toString('hex');
  const settings = { connectionString: a.connectionString };
  const store = new TaskStore(tableClient(settings, `tasks${suffix}`));
  const queue = new DispatchQueue(queueClient(settings, `sync-${suffix}`), queueClient(settings, `sync-${suffix}-poison`));
  const states = new ResourceStateStore(tableClient(settings, `tasks${suffix}resources`));
  await Promise.all([store.init(), queue.init(), states.init()]);
  return { azurite: a, store, queue, states, tasksTable: () => tableClient(settings, `tasks${suffix}`) };
}
