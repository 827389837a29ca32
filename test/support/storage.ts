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

/**
 * A warehouse rig: real Azurite, an emulator and the real connector wired into the worker; `stop` ends all three.
 * Each warehouse's support module builds its own `deps`.
 */
export function warehouseRig<E extends { stop(): Promise<unknown> }, C extends { close(): Promise<void> }>(
  storage: TestStorage,
  emulator: E,
  connector: C,
  deps: WorkerDeps,
) {
  return {
    storage,
    emulator,
    connector,
    deps,
    stop: async () => {
      await connector.close();
      await emulator.stop();
      await storage.azurite.stop();
    },
  };
}

/** Creates a task for `resources` on a rig and runs one worker delivery of it (syncThroughWorker). */
export const syncOnce = syncThroughWorker;
