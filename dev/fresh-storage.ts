import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { queueClient, tableClient } from '../shared/store/clients.js';
import { DispatchQueue } from '../shared/store/dispatch-queue.js';
import { ResourceStateStore } from '../shared/store/resource-state.js';
import { TaskStore } from '../shared/store/task-store.js';
import { type AzuriteHandle, startAzurite } from './azurite.js';

export interface FreshStorage {
  azurite: AzuriteHandle;
  store: TaskStore;
  queue: DispatchQueue;
  states: ResourceStateStore;
  tasksTable: () => TableClient;
}

/**
 * A task table, sync queue (with its poison queue) and resource-state table of their own, named `<prefix><random>`,
 * on the given Azurite or on a new one in this process (in memory): tests and benches never share state.
 */
export async function freshStorage(prefix: string, azurite?: AzuriteHandle): Promise<FreshStorage> {
  const a = azurite ?? (await startAzurite());
  const suffix = randomBytes(4).toString('hex');
  const name = `${prefix}${suffix}`;
  const settings = { connectionString: a.connectionString };
  const store = new TaskStore(tableClient(settings, name), { openTable: tableClient(settings, `${name}open`) });
  const queue = new DispatchQueue(
    queueClient(settings, `${prefix}-${suffix}`),
    queueClient(settings, `${prefix}-${suffix}-poison`),
  );
  const states = new ResourceStateStore(tableClient(settings, `${name}resources`));
  await Promise.all([store.init(), queue.init(), states.init()]);
  return { azurite: a, store, queue, states, tasksTable: () => tableClient(settings, name) };
}
