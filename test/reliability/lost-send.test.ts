import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { createVerifier, mintToken } from '../../shared/auth/index.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import type { TaskApiDeps } from '../../shared/http/task-api.js';
import { LOST_MESSAGE_GRACE_SECONDS, sweepStaleTasks } from '../../shared/intake/sweep.js';
import { silentLog } from '../../shared/log.js';
import { queueClient, tableClient } from '../../shared/store/clients.js';
import { DispatchQueue, SyncMessageSchema } from '../../shared/store/dispatch-queue.js';
import { TaskStore } from '../../shared/store/task-store.js';
import { runDelivery, type WorkerDeps } from '../../shared/sync/worker.js';
import { postTableSync, TEST_SECRET } from '../support/api-client.js';
import { endpointOf, type FaultProxy, proxiedConnectionString, startFaultProxy } from '../support/fault-proxy.js';
import { selectWorkerDeps } from '../support/memory/select-worker-deps.js';

// Promise 1 (none stuck) when the queue refuses a POST's send: the task is stored, the caller gets 202, and the task
// runs within seconds, by the intake's own retry or, when that fails too, by the sweeper's rule for a row without a
// message. Real Azurite behind a proxy that refuses the queue; a real worker loop reads the queue as the host does.
let azurite: AzuriteHandle;
let tables: FaultProxy, queues: FaultProxy;
let token: string;
let direct: { store: TaskStore; queue: DispatchQueue };
let proxied: string;
beforeAll(async () => {
  azurite = await startAzurite();
  tables = await startFaultProxy(endpointOf(azurite.connectionString, 'Table'));
  queues = await startFaultProxy(endpointOf(azurite.connectionString, 'Queue'));
  proxied = proxiedConnectionString(azurite.connectionString, tables, queues);
  const s = { connectionString: azurite.connectionString };
  direct = {
    store: new TaskStore(tableClient(s, 'lost'), { openTable: tableClient(s, 'lostopen') }),
    queue: new DispatchQueue(queueClient(s, 'lost'), queueClient(s, 'lost-poison')),
  };
  await Promise.all([direct.store.init(), direct.queue.init()]);
  token = await mintToken({ secret: TEST_SECRET, subject: 'lost' });
});
afterAll(async () => {
  await tables?.stop();
  await queues?.stop();
  await azurite?.stop();
});

/** The API on the proxied endpoints; its queue client gives up after one try, so a refused send fails at once. */
function apiDeps(sendRetryDelaysMs?: number[]): TaskApiDeps {
  const s = { connectionString: proxied };
  const q = (name: string) => new QueueClient(proxied, name, { retryOptions: { maxTries: 1 } });
  return {
    store: new TaskStore(tableClient(s, 'lost'), { openTable: tableClient(s, 'lostopen') }),
    queue: new DispatchQueue(q('lost'), q('lost-poison')),
    warehouse: snowflakeModule,
    instance: 'lost',
    verify: createVerifier({ secret: TEST_SECRET }),
    log: silentLog,
    ...(sendRetryDelaysMs ? { sendRetryDelaysMs } : {}),
  };
}

const workerDeps = (): WorkerDeps => selectWorkerDeps(direct.store, { queue: direct.queue, leaseSeconds: 30 });

const post = (deps: TaskApiDeps) => postTableSync(deps, token, 'ORDERS');

/**
 * Runs the host's side until `taskId` is terminal or `deadlineMs` passes: a worker polling the queue every 100 ms and,
 * when `sweepEveryMs` is given, the sweeper on that schedule. Returns the seconds it took.
 */
async function runUntilDone(taskId: string, deadlineMs: number, sweepEveryMs?: number): Promise<number> {
  const started = Date.now();
  let lastSweep = Date.now();
  while (Date.now() - started < deadlineMs) {
    const { receivedMessageItems } = await direct.queue.client.receiveMessages({ numberOfMessages: 32 });
    for (const m of receivedMessageItems) {
      await runDelivery(
        SyncMessageSchema.parse(JSON.parse(Buffer.from(m.messageText, 'base64').toString())),
        workerDeps(),
      );
      await direct.queue.client.deleteMessage(m.messageId, m.popReceipt);
    }
    if ((await direct.store.get(taskId))?.header.status === 'SUCCESS') return (Date.now() - started) / 1000;
    if (sweepEveryMs !== undefined && Date.now() - lastSweep >= sweepEveryMs) {
      lastSweep = Date.now();
      await sweepStaleTasks({ ...direct, log: silentLog });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`task ${taskId} did not finish within ${deadlineMs} ms`);
}

describe('a POST whose send the queue refuses', () => {
  it('answers 202 with the stored task, which the intake sends again and a worker finishes within 5 s', async () => {
    queues.down(true);
    const res = await post(apiDeps());
    queues.down(false);
    expect(res.status, JSON.stringify(res.jsonBody)).toBe(202);
    const { taskId, status } = res.jsonBody as { taskId: string; status: string };
    expect(status).toBe('WAITING');
    const seconds = await runUntilDone(taskId, 5_000);
    console.log(`send refused: 202, then SUCCESS after ${seconds.toFixed(1)} s (the intake's retry)`);
  }, 30_000);

  it('leaves a task whose retries fail too to the sweeper, which sends it once its row is LOST_MESSAGE_GRACE_SECONDS old, not a minute', async () => {
    queues.down(true);
    const res = await post(apiDeps([]));
    queues.down(false);
    expect(res.status).toBe(202);
    const { taskId } = res.jsonBody as { taskId: string };
    // The default sweep grace is 60 s: the task must run well before it.
    const seconds = await runUntilDone(taskId, (LOST_MESSAGE_GRACE_SECONDS + 5) * 1000, 1_000);
    expect(seconds).toBeGreaterThanOrEqual(LOST_MESSAGE_GRACE_SECONDS - 1);
    console.log(`send refused, no retry: 202, then SUCCESS after ${seconds.toFixed(1)} s (the sweeper, every 1 s)`);
  }, 60_000);
});
