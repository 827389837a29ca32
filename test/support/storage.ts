import type { AzuriteHandle } from '../../dev/azurite.js';
import { type FreshStorage, freshStorage } from '../../dev/fresh-storage.js';
import { warehouseOfKind } from '../../shared/connectors/modules.js';
import { createTask } from '../../shared/intake/create-task.js';
import { runTask, type WorkerDeps } from '../../shared/sync/worker.js';
import type { ResourceRef } from '../../shared/task/request.js';

export type TestStorage = FreshStorage;

/** Real Azurite, in-process and in-memory, with a fresh table and queue per call. */
export const startTestStorage = (azurite?: AzuriteHandle): Promise<TestStorage> => freshStorage('tasks', azurite);

/** Creates a task for `resources` and runs one worker delivery of it; returns the stored task and rows. */
export async function syncThroughWorker(
  rig: { storage: Pick<TestStorage, 'store' | 'queue'>; deps: WorkerDeps },
  resources: ResourceRef[],
  dryRun = false,
) {
  const { store, queue } = rig.storage;
  const { task } = await createTask(
    { store, queue, warehouse: warehouseOfKind(rig.deps.connector.kind)!, instance: 't' },
    { request: { type: 'RESOURCE_SYNC', requestInfo: { resources } } },
    { source: 'API', dryRun },
  );
  await runTask(task.header.taskId, rig.deps);
  const done = (await store.get(task.header.taskId))!;
  return { header: done.header, rows: await store.resources(task.header.taskId) };
}
