import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepStaleTasks } from '../../shared/intake/sweep.js';
import { silentLog } from '../../shared/log.js';
import type { TaskHeader } from '../../shared/store/records.js';
import { newTaskId } from '../../shared/task/task-id.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

let s: TestStorage;
beforeAll(async () => {
  s = await startTestStorage();
});
afterAll(async () => {
  await s.azurite.stop();
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

async function storedTask(status: TaskHeader['status'], updatedAt: string, leaseUntil?: string) {
  const taskId = newTaskId();
  const header: TaskHeader = {
    taskId,
    type: 'RESOURCE_SYNC',
    status,
    message: '',
    source: 'API',
    instance: 't',
    dryRun: false,
    attempt: 0,
    createdAt: updatedAt,
    updatedAt,
    resourceCount: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    ...(leaseUntil ? { leaseUntil } : {}),
  };
  await s.store.create(header, []);
  return taskId;
}

async function queued(): Promise<string[]> {
  const { receivedMessageItems } = await s.queue.client.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 1 });
  return receivedMessageItems.map(
    (m) => (JSON.parse(Buffer.from(m.messageText, 'base64').toString()) as { taskId: string }).taskId,
  );
}

describe('sweeper', () => {
  it('re-dispatches a task stuck in NEW, re-queues a lost WAITING one and an INPROGRESS one whose lease expired, and leaves the rest', async () => {
    const stuckNew = await storedTask('NEW', minutesAgo(5));
    const lostWaiting = await storedTask('WAITING', minutesAgo(5));
    const deadWorker = await storedTask('INPROGRESS', minutesAgo(5), minutesAgo(1));
    const liveWorker = await storedTask('INPROGRESS', minutesAgo(5), new Date(Date.now() + 60_000).toISOString());
    const fresh = await storedTask('NEW', new Date().toISOString());
    const done = await storedTask('SUCCESS', minutesAgo(5));

    const result = await sweepStaleTasks({ store: s.store, queue: s.queue, log: silentLog });
    expect(result).toEqual({ redispatched: 1, requeued: 2, failed: 0 });
    const ids = await queued();
    expect(ids.sort()).toEqual([stuckNew, lostWaiting, deadWorker].sort());
    expect(ids).not.toContain(liveWorker);
    expect(ids).not.toContain(fresh);
    expect(ids).not.toContain(done);
    expect((await s.store.get(stuckNew))!.header.status).toBe('WAITING');

    const again = await sweepStaleTasks({ store: s.store, queue: s.queue, log: silentLog });
    expect(again).toEqual({ redispatched: 0, requeued: 0, failed: 0 });
  });
});
