import type { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { awaitTerminal, MAX_WAIT_SECONDS, preferredWait } from '../../shared/http/prefer-wait.js';
import { createTask } from '../../shared/intake/create-task.js';
import { TaskStore } from '../../shared/store/task-store.js';
import { announceTerminal } from '../../shared/task/task-events.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

let s: TestStorage;
beforeAll(async () => {
  s = await startTestStorage();
});
afterAll(async () => {
  await s.azurite.stop();
});

/** The real store, counting its reads (a wait must cost a handful, not a busy loop); `onRead` runs after read n. */
class CountingStore extends TaskStore {
  reads = 0;
  constructor(
    table: TableClient,
    private readonly n = 0,
    private readonly onRead?: () => Promise<void>,
  ) {
    super(table);
  }
  override async get(taskId: string) {
    const read = await super.get(taskId);
    if (++this.reads === this.n) void this.onRead?.();
    return read;
  }
}

async function waitingTask() {
  const { task } = await createTask(
    { store: s.store, queue: s.queue, warehouse: snowflakeModule, instance: 't' },
    {
      request: { type: 'RESOURCE_SYNC', requestInfo: { resources: [{ type: 'database', values: { database: 'D' } }] } },
    },
    { source: 'API' },
  );
  return task;
}

describe('Prefer: wait', () => {
  it('reads the preference among others, capped well below the Functions HTTP limit', () => {
    expect(preferredWait('respond-async, wait=12')).toBe(12);
    expect(preferredWait('wait=100000')).toBe(MAX_WAIT_SECONDS);
    expect(preferredWait('return=minimal')).toBeUndefined();
    expect(preferredWait(null)).toBeUndefined();
  });

  it('gives up when the wait runs out, after a few reads with backoff, and the task stays as it was', async () => {
    const store = new CountingStore(s.tasksTable());
    const task = await waitingTask();
    const started = Date.now();
    const after = await awaitTerminal(store, task, 3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(after.header.status).toBe('WAITING');
    expect(store.reads).toBeLessThanOrEqual(8);
  });

  it('wakes at once when this instance announces the task finished', async () => {
    const task = await waitingTask();
    const running = await s.store.transition(task, 'INPROGRESS', { attempt: 1 });
    // The task finishes right after the waiter's 5th read (~1.55 s in), when its next read is a whole second away:
    // only the announcement can end the wait within half a second of it.
    let announcedAt = 0;
    const store = new CountingStore(s.tasksTable(), 5, async () => {
      await s.store.transition(running, 'SUCCESS', { finishedAt: new Date().toISOString() });
      announcedAt = Date.now();
      announceTerminal(task.header.taskId);
    });
    const done = await awaitTerminal(store, task, 20);
    expect(done.header.status).toBe('SUCCESS');
    expect(announcedAt).toBeGreaterThan(0);
    expect(Date.now() - announcedAt).toBeLessThan(500);
    expect(store.reads).toBe(6);
  });
});
