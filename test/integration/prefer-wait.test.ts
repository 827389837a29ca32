import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitTerminal, MAX_WAIT_SECONDS, preferredWait } from '../../shared/http/prefer-wait.js';
import { createTask } from '../../shared/intake/create-task.js';
import { TaskStore } from '../../shared/store/task-store.js';
import { announceTerminal } from '../../shared/task/task-events.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

let s: TestStorage;
beforeAll(async () => { s = await startTestStorage(); });
afterAll(async () => { await s.azurite.stop(); });

/** The real store, counting its reads: a wait must cost a handful of reads, not a busy loop. */
class CountingStore extends TaskStore {
  reads = 0;
  override async get(taskId: string) { this.reads++; return super.get(taskId); }
}

async function waitingTask() {
  const { task } = await createTask({ store: s.store, queue: s.queue, kind: 'snowflake', instance: 't' },
    { request: { type: 'RESOURCE_SYNC', requestInfo: { resources: [{ type: 'database', values: { database: 'D' } }] } } }, { source: 'API' });
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
    // The waiter reads at ~50, 150, 350, 750, 1550 and 2550 ms: finished at 1700 ms, only the announcement can
    // end the wait well before the 2550 ms read.
    let announcedAt = 0;
    setTimeout(() => {
      void s.store.transition(running, 'SUCCESS', { finishedAt: new Date().toISOString() })
        .then(() => { announcedAt = Date.now(); announceTerminal(task.header.taskId); });
    }, 1700);
    const done = await awaitTerminal(s.store, task, 20);
    expect(done.header.status).toBe('SUCCESS');
    expect(announcedAt).toBeGreaterThan(0);
    expect(Date.now() - announcedAt).toBeLessThan(600);
  });
});
