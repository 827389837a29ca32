import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { createTask } from '../../shared/intake/create-task.js';
import { sweepStaleTasks } from '../../shared/intake/sweep.js';
import { silentLog } from '../../shared/log.js';
import type { DispatchQueue } from '../../shared/store/dispatch-queue.js';
import type { TaskHeader } from '../../shared/store/records.js';
import type { StoredTask, TaskStore } from '../../shared/store/task-store.js';
import { runTask, type WorkerDeps, type WorkerOutcome } from '../../shared/sync/worker.js';
import { newTaskId } from '../../shared/task/task-id.js';
import { selectWorkerDeps } from '../support/memory/select-worker-deps.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

// Promise 1 (none stuck): a worker that receives a task's message the instant it is enqueued - before the
// dispatcher's next write lands - must be able to claim the task. Real Azurite and the real worker; the queue is
// wrapped so that the worker reads the task at the moment the message is sent, as a fast poller does.
let s: TestStorage;
beforeAll(async () => {
  s = await startTestStorage();
});
afterAll(async () => {
  await s.azurite.stop();
});

const deps = (store: TaskStore): WorkerDeps => selectWorkerDeps(store);

/**
 * A queue whose send hands the message to a worker at once: the worker reads the task now (as it stands when the
 * message becomes visible), and runs its claim after the dispatcher's following write.
 */
function instantWorkerQueue(outcomes: Promise<WorkerOutcome>[]): DispatchQueue {
  return {
    frontInsertedAt: () => s.queue.frontInsertedAt(),
    send: async (taskId: string) => {
      const sent = await s.queue.send(taskId);
      const seen = await s.store.get(taskId);
      let served = false;
      // The worker's first read returns what it saw when the message arrived; later reads are live.
      const store = Object.create(s.store) as TaskStore;
      store.get = async (id: string): Promise<StoredTask | undefined> => {
        if (!served && id === taskId) {
          served = true;
          return seen;
        }
        return s.store.get(id);
      };
      outcomes.push(new Promise((resolve) => setTimeout(resolve, 50)).then(() => runTask(taskId, deps(store))));
      return sent;
    },
  } as unknown as DispatchQueue;
}

const request = {
  type: 'RESOURCE_SYNC' as const,
  requestInfo: { resources: [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' } }] },
};

describe('a worker as fast as the queue', () => {
  it('claims a task whose message it gets the instant the intake enqueues it, in each of 20 tries: none left WAITING', async () => {
    const outcomes: Promise<WorkerOutcome>[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { task } = await createTask(
        { store: s.store, queue: instantWorkerQueue(outcomes), warehouse: snowflakeModule, instance: 't' },
        { request },
        { source: 'API' },
      );
      ids.push(task.header.taskId);
    }
    const results = await Promise.all(outcomes);
    const statuses = await Promise.all(ids.map(async (id) => (await s.store.get(id))!.header.status));
    expect({ results: [...new Set(results)], statuses: [...new Set(statuses)] }).toEqual({
      results: ['completed'],
      statuses: ['SUCCESS'],
    });
  });

  it('claims a task the sweeper re-dispatches from NEW, the instant the message is sent', async () => {
    const outcomes: Promise<WorkerOutcome>[] = [];
    const taskId = newTaskId();
    const old = new Date(Date.now() - 600_000).toISOString();
    const header: TaskHeader = {
      taskId,
      type: 'RESOURCE_SYNC',
      status: 'NEW',
      message: '',
      source: 'API',
      instance: 't',
      dryRun: false,
      attempt: 0,
      createdAt: old,
      updatedAt: old,
      resourceCount: 1,
      succeeded: 0,
      failed: 0,
      skipped: 0,
    };
    await s.store.create(header, [
      { index: 0, ref: request.requestInfo.resources[0]!, status: 'PENDING', message: '', updatedAt: old },
    ]);
    await sweepStaleTasks({ store: s.store, queue: instantWorkerQueue(outcomes), log: silentLog });
    expect(await Promise.all(outcomes)).toContain('completed');
    expect((await s.store.get(taskId))!.header.status).toBe('SUCCESS');
  });
});
