import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AzuriteHandle } from '../../dev/azurite.js';
import { warehouseOfKind } from '../../shared/connectors/modules.js';
import { createTask } from '../../shared/intake/create-task.js';
import { LOST_MESSAGE_GRACE_SECONDS, sweepStaleTasks } from '../../shared/intake/sweep.js';
import { silentLog } from '../../shared/log.js';
import type { TaskHeader } from '../../shared/store/records.js';
import type { IndexBucket } from '../../shared/store/task-index.js';
import { sendTaskMessage } from '../../shared/store/task-message.js';
import { newTaskId } from '../../shared/task/task-id.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

let azurite: AzuriteHandle;
let s: TestStorage; // a table and queue of its own per test: the sweeper reads all of them
beforeAll(async () => {
  azurite = (await startTestStorage()).azurite;
});
beforeEach(async () => {
  s = await startTestStorage(azurite);
});
afterAll(async () => {
  await azurite.stop();
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);

function taskHeader(status: TaskHeader['status'], updatedAt: string, more: Partial<TaskHeader> = {}): TaskHeader {
  return {
    taskId: newTaskId(),
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
    ...more,
  };
}

async function storedTask(status: TaskHeader['status'], updatedAt: string, more: Partial<TaskHeader> = {}) {
  const header = taskHeader(status, updatedAt, more);
  await s.store.create(header, []);
  return header.taskId;
}

/** The tasks the queue's messages name, looked at without taking them (their pop receipts stay valid). */
async function queued(): Promise<string[]> {
  const { peekedMessageItems } = await s.queue.client.peekMessages({ numberOfMessages: 32 });
  return peekedMessageItems.map(
    (m) => (JSON.parse(Buffer.from(m.messageText, 'base64').toString()) as { taskId: string }).taskId,
  );
}

/** Deletes every message, as a worker that stood down would. */
async function deleteAll(): Promise<void> {
  const { receivedMessageItems } = await s.queue.client.receiveMessages({ numberOfMessages: 32 });
  for (const m of receivedMessageItems) await s.queue.client.deleteMessage(m.messageId, m.popReceipt);
}

async function indexRow(bucket: IndexBucket, h: Pick<TaskHeader, 'taskId'>): Promise<boolean> {
  for await (const e of s.store.index.entries(bucket)) if (e.taskId === h.taskId) return true;
  return false;
}

const sweep = (now?: Date, maxAttempts?: number) =>
  sweepStaleTasks({
    store: s.store,
    queue: s.queue,
    log: silentLog,
    ...(now ? { now: () => now } : {}),
    ...(maxAttempts ? { maxAttempts } : {}),
  });

const intake = () => ({ store: s.store, queue: s.queue, warehouse: warehouseOfKind('snowflake')!, instance: 't' });
const request = {
  request: {
    type: 'RESOURCE_SYNC' as const,
    requestInfo: { resources: [{ type: 'table', values: { database: 'D', schema: 'S', table: 'T' } }] },
  },
};

describe('sweeper', () => {
  it('re-dispatches a task stuck in NEW, re-queues a lost WAITING one and an INPROGRESS one whose lease expired, and leaves the rest', async () => {
    const stuckNew = await storedTask('NEW', minutesAgo(5));
    const lostWaiting = await storedTask('WAITING', minutesAgo(5));
    const deadWorker = await storedTask('INPROGRESS', minutesAgo(5), { leaseUntil: minutesAgo(1), attempt: 1 });
    const liveWorker = await storedTask('INPROGRESS', minutesAgo(5), { leaseUntil: inMinutes(1).toISOString() });
    const fresh = await storedTask('NEW', new Date().toISOString());
    const done = await storedTask('SUCCESS', minutesAgo(5));

    const result = await sweep();
    expect(result).toEqual({ redispatched: 1, requeued: 2, ended: 0, repaired: 0, failed: 0 });
    const ids = await queued();
    expect(ids.sort()).toEqual([stuckNew, lostWaiting, deadWorker].sort());
    expect(ids).not.toContain(liveWorker);
    expect(ids).not.toContain(fresh);
    expect(ids).not.toContain(done);
    expect((await s.store.get(stuckNew))!.header.status).toBe('WAITING');

    const again = await sweep();
    expect(again).toEqual({ redispatched: 0, requeued: 0, ended: 0, repaired: 0, failed: 0 });
  });

  it('finds an unfinished task through the index and never looks at a finished one', async () => {
    const finished = await storedTask('FAILED', minutesAgo(30));
    const stuck = await storedTask('WAITING', minutesAgo(30));
    expect(await indexRow('FAILED', (await s.store.get(finished))!.header)).toBe(true);
    expect(await indexRow('OPEN', (await s.store.get(stuck))!.header)).toBe(true);
    expect(await indexRow('OPEN', (await s.store.get(finished))!.header)).toBe(false);

    expect((await sweep()).requeued).toBe(1);
    expect(await queued()).toEqual([stuck]);
  });

  it('does not send again a task whose message still waits in a queue backlog, however long it waits', async () => {
    const { task } = await createTask(intake(), request, { source: 'API' });
    expect(task.header.status).toBe('WAITING');
    // Ten minutes on and nothing consumed the queue: the message is in line, and a second one would only double it.
    for (const minutes of [10, 60, 24 * 60]) expect((await sweep(inMinutes(minutes))).requeued).toBe(0);
    expect(await queued()).toEqual([task.header.taskId]);
  });

  it('sends again a task whose message was deleted without the task moving on', async () => {
    const { task } = await createTask(intake(), request, { source: 'API' });
    await deleteAll(); // a worker stood down and deleted it; the task is still WAITING
    expect((await sweep(inMinutes(10))).requeued).toBe(1);
    expect(await queued()).toEqual([task.header.taskId]);
    // The new message is recorded: the next run finds it in line and sends nothing.
    expect((await sweep(inMinutes(11))).requeued).toBe(0);
  });

  it('looks at a message that newer ones overtook, and leaves it when it is still queued', async () => {
    // A delayed message (a coalescing deferral) is overtaken by a newer one: the queue's front is younger than it.
    const h = taskHeader('WAITING', minutesAgo(30));
    await s.store.create(h, []);
    await sendTaskMessage(s, h, 3);
    await new Promise((r) => setTimeout(r, 1100)); // the service stamps insertion times to the second
    const other = taskHeader('WAITING', new Date().toISOString());
    await s.store.create(other, []);
    await sendTaskMessage(s, other);

    expect((await sweep(inMinutes(10))).requeued).toBe(0);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await queued()).sort()).toEqual([h.taskId, other.taskId].sort());
  });

  it('ends a task that used TASK_MAX_ATTEMPTS attempts FAILED with its last error instead of sending it again', async () => {
    const atCap = await storedTask('INPROGRESS', minutesAgo(30), {
      attempt: 3,
      leaseUntil: minutesAgo(20),
      lastError: 'warehouse said no',
    });
    const belowCap = await storedTask('INPROGRESS', minutesAgo(30), { attempt: 2, leaseUntil: minutesAgo(20) });
    const runningAtCap = await storedTask('INPROGRESS', minutesAgo(30), {
      attempt: 3,
      leaseUntil: inMinutes(5).toISOString(),
    });

    const result = await sweep(undefined, 3);
    expect(result).toMatchObject({ ended: 1, requeued: 1 });
    const ended = (await s.store.get(atCap))!.header;
    expect(ended.status).toBe('FAILED');
    expect(ended.message).toMatch(/3 attempt\(s\).*TASK_MAX_ATTEMPTS \(3\).*warehouse said no/);
    expect(ended.finishedAt).toBeDefined();
    expect(await indexRow('FAILED', ended)).toBe(true);
    expect(await indexRow('OPEN', ended)).toBe(false);
    expect((await s.store.get(runningAtCap))!.header.status).toBe('INPROGRESS');
    expect(await queued()).toEqual([belowCap]);
  });

  it('repairs an OPEN row left by a crash after the header ended, and sends nothing for it', async () => {
    // A finish that stopped between its header write and the removal of the OPEN row.
    const h = taskHeader('INPROGRESS', minutesAgo(30), { leaseUntil: minutesAgo(20), attempt: 1 });
    const stored = await s.store.create(h, []);
    const ended: TaskHeader = { ...h, status: 'SUCCESS', finishedAt: minutesAgo(10), updatedAt: minutesAgo(10) };
    await s.store.replace({ header: ended, etag: stored.etag });
    expect(await indexRow('OPEN', h)).toBe(true);

    expect(await sweep()).toMatchObject({ repaired: 1, requeued: 0 });
    expect(await indexRow('OPEN', h)).toBe(false);
    expect(await indexRow('SUCCESS', h)).toBe(true);
    expect(await queued()).toEqual([]);
  });

  it('drops an OPEN row whose task was never stored (a crash inside creation), and sends nothing', async () => {
    const h = taskHeader('NEW', minutesAgo(30));
    await s.store.index.put(h);
    expect(await sweep()).toMatchObject({ repaired: 1, requeued: 0, redispatched: 0 });
    expect(await indexRow('OPEN', h)).toBe(false);
    expect(await queued()).toEqual([]);
  });

  it('keeps an OPEN row without its task while its creation may still be under way, and drops it after SWEEP_GRACE_SECONDS', async () => {
    const h = taskHeader('WAITING', new Date().toISOString());
    await s.store.index.put(h);
    const at = (seconds: number) => new Date(Date.parse(h.createdAt) + seconds * 1000);
    expect(await sweep(at(LOST_MESSAGE_GRACE_SECONDS + 1))).toMatchObject({ repaired: 0, requeued: 0 });
    expect(await indexRow('OPEN', h)).toBe(true);
    expect(await sweep(at(61))).toMatchObject({ repaired: 1, requeued: 0 });
    expect(await indexRow('OPEN', h)).toBe(false);
  });

  it('looks once at a message naming several tasks and gives each of their rows its new receipt: none is sent again', async () => {
    const tasks = [];
    for (let i = 0; i < 3; i++) {
      const h = taskHeader('WAITING', minutesAgo(30));
      await s.store.create(h, []);
      tasks.push(h);
    }
    // A delayed message is invisible to a peek, so the sweeper must look at it rather than trust the queue's front.
    const ids = tasks.map((t) => t.taskId);
    const body = Buffer.from(JSON.stringify({ taskId: ids[0], more: ids.slice(1) })).toString('base64');
    const sent = await s.queue.client.sendMessage(body, { visibilityTimeout: 3 });
    const message = {
      messageId: sent.messageId,
      popReceipt: sent.popReceipt,
      queuedAt: sent.insertedOn.toISOString(),
      visibleAt: sent.nextVisibleOn.toISOString(),
    };
    for (const t of tasks) await s.store.index.recordMessage(t, message);

    expect((await sweep(inMinutes(10))).requeued).toBe(0);
    expect((await sweep(inMinutes(20))).requeued).toBe(0);
    await new Promise((r) => setTimeout(r, 3100));
    expect(await queued()).toEqual([ids[0]]);
  });
});
