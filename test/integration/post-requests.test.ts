import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { createVerifier, mintToken } from '../../shared/auth/index.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import type { TaskApiDeps } from '../../shared/http/task-api.js';
import { silentLog } from '../../shared/log.js';
import { queueClient, tableClient } from '../../shared/store/clients.js';
import { DispatchQueue } from '../../shared/store/dispatch-queue.js';
import { TaskStore } from '../../shared/store/task-store.js';
import { postTableSync, TEST_SECRET } from '../support/api-client.js';
import { endpointOf, type FaultProxy, proxiedConnectionString, startFaultProxy } from '../support/fault-proxy.js';

// Storage requests per POST, counted where storage sees them: a proxy in front of Azurite's table and queue endpoints
// (an entity-group transaction is one request).
let azurite: AzuriteHandle;
let tables: FaultProxy, queues: FaultProxy;
let deps: TaskApiDeps;
let token: string;
beforeAll(async () => {
  azurite = await startAzurite();
  tables = await startFaultProxy(endpointOf(azurite.connectionString, 'Table'));
  queues = await startFaultProxy(endpointOf(azurite.connectionString, 'Queue'));
  const s = { connectionString: proxiedConnectionString(azurite.connectionString, tables, queues) };
  deps = {
    store: new TaskStore(tableClient(s, 'posts'), { openTable: tableClient(s, 'postsopen') }),
    queue: new DispatchQueue(queueClient(s, 'posts'), queueClient(s, 'posts-poison')),
    warehouse: snowflakeModule,
    instance: 'count',
    verify: createVerifier({ secret: TEST_SECRET }),
    log: silentLog,
  };
  await Promise.all([deps.store.init(), deps.queue.init()]);
  token = await mintToken({ secret: TEST_SECRET, subject: 'count' });
});
afterAll(async () => {
  await tables?.stop();
  await queues?.stop();
  await azurite?.stop();
});

const requests = () => tables.requests() + queues.requests();
const post = (i: number) => postTableSync(deps, token, `T${i}`);

describe('storage requests per POST', () => {
  it('costs a lone POST 4 requests: its index row, the task transaction (WAITING with its resources), the send, the message record', async () => {
    await post(-1); // tables and queue warm
    const [t0, q0] = [tables.lines().length, queues.lines().length];
    const start = requests();
    const res = await post(0);
    expect(res.status).toBe(202);
    const made = requests() - start;
    const seen = [...tables.lines().slice(t0), ...queues.lines().slice(q0)].map((l) => l.split('?')[0] ?? l);
    console.log(`lone POST: ${made} storage requests: ${seen.join(', ')}`);
    expect(made).toBe(4);
    expect(seen.filter((l) => l.endsWith('$batch'))).toHaveLength(1);
  });

  it('shares index-row transactions under concurrency: 64 POSTs at once cost at most 2.5 requests each', async () => {
    const start = requests();
    const answers = await Promise.all(Array.from({ length: 64 }, (_, i) => post(100 + i)));
    expect(answers.map((a) => a.status)).toEqual(Array(64).fill(202));
    const perPost = (requests() - start) / 64;
    console.log(`64 concurrent POSTs: ${requests() - start} storage requests, ${perPost.toFixed(2)} per POST`);
    expect(perPost).toBeLessThanOrEqual(2.5);
  });
});
