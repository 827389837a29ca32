import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import functions, { type HttpHandler, type HttpResponseInit } from '@azure/functions';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { mintToken } from '../../shared/auth/index.js';
import { loadConfig } from '../../shared/config.js';
import { buildServices } from '../../shared/runtime.js';
import { TEST_SECRET, tableRequest } from '../support/api-client.js';
import { endpointOf, type FaultProxy, proxiedConnectionString, startFaultProxy } from '../support/fault-proxy.js';
import { type HostProcess, startHostProcess } from '../support/host-process.js';
import { memoryModule, WITH_MEMORY } from '../support/memory/memory-module.js';

// Requests are authenticated before anything touches storage: a flood of anonymous and bad-token requests through
// storage proxies that count every request costs no storage request and never a 5xx, on the Function App's own
// handlers (storage built on first use) and on the local host (storage built at start-up), whether storage is up
// or down.
const FLOOD = 300;
let azurite: AzuriteHandle;
let table: FaultProxy, queue: FaultProxy;
let storage: string;
beforeAll(async () => {
  azurite = await startAzurite();
  table = await startFaultProxy(endpointOf(azurite.connectionString, 'Table'));
  queue = await startFaultProxy(endpointOf(azurite.connectionString, 'Queue'));
  storage = proxiedConnectionString(azurite.connectionString, table, queue);
});
afterAll(async () => {
  await table?.stop();
  await queue?.stop();
  await azurite?.stop();
});
beforeEach(() => {
  table.down(false);
  queue.down(false);
});

const seconds = () => Math.floor(Date.now() / 1000);
const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const hs = (claims: Record<string, unknown>, key = TEST_SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(key));

/** Authorization header values nobody may pass with (undefined: no header). */
async function badCredentials(): Promise<(string | undefined)[]> {
  const claims = { sub: 'attacker', iat: seconds(), exp: seconds() + 600 };
  return [
    undefined,
    '',
    'Bearer',
    'Bearer x.y.z',
    `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    `Bearer ${await hs(claims, 'not-the-secret-0123456789-abcdefghijklmnop')}`,
    `Bearer ${await hs({ ...claims, exp: seconds() - 600 })}`,
    `Bearer ${await hs({ ...claims, iat: undefined })}`,
    `Bearer ${await hs({ ...claims, exp: seconds() + 40 * 86_400 })}`,
    `Bearer ${enc({ alg: 'none' })}.${enc(claims)}.`,
    `Bearer ${'a'.repeat(10_000)}`,
  ];
}

interface Call {
  route: 'createTask' | 'getTask';
  authorization?: string;
}
const flood = async (credentials: (string | undefined)[]): Promise<Call[]> =>
  Array.from({ length: FLOOD }, (_, i) => ({
    route: i % 2 === 0 ? 'createTask' : 'getTask',
    authorization: credentials[i % credentials.length],
  }));

/** Runs `calls` 25 at a time; the statuses seen, by count. */
async function send<T>(calls: T[], one: (call: T) => Promise<number>): Promise<Record<number, number>> {
  const seen: Record<number, number> = {};
  for (let i = 0; i < calls.length; i += 25) {
    for (const status of await Promise.all(calls.slice(i, i + 25).map(one))) seen[status] = (seen[status] ?? 0) + 1;
  }
  return seen;
}

describe('the Function App handlers', () => {
  let handlers: Record<string, HttpHandler>;
  beforeAll(async () => {
    // The handlers read their settings once, from the environment, exactly as in Azure.
    Object.assign(process.env, {
      CONNECTOR_KIND: 'memory',
      JWT_SECRET: TEST_SECRET,
      AzureWebJobsStorage: storage,
      POLICY_FILE: fileURLToPath(new URL('../../dev/demo/policies.json', import.meta.url)),
      TASKS_TABLE: `gate${randomBytes(4).toString('hex')}`,
      SYNC_QUEUE: `gate-${randomBytes(4).toString('hex')}`,
    });
    const { registrations } = await import('../../functions/registry.js');
    const { appConfig, serveWarehouses } = await import('../../functions/services.js');
    serveWarehouses([memoryModule]);
    handlers = Object.fromEntries(
      registrations(appConfig()).flatMap((r) => (r.kind === 'http' ? [[r.name, r.options.handler]] : [])),
    );
  });

  const invoke = async (
    name: string,
    method: string,
    authorization?: string,
    params: Record<string, string> = {},
  ): Promise<HttpResponseInit> => {
    const request = new functions.HttpRequest({
      method,
      url: `http://localhost/policysync/api/v1/${name}`,
      params,
      headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}) },
      ...(method === 'POST' ? { body: { string: JSON.stringify(tableRequest('ORDERS')) } } : {}),
    });
    const context = new functions.InvocationContext({
      functionName: name,
      invocationId: randomBytes(8).toString('hex'),
      logHandler: () => undefined,
    });
    return (await handlers[name]!(request, context)) as HttpResponseInit;
  };
  const call = (c: Call) =>
    c.route === 'createTask'
      ? invoke('createTask', 'POST', c.authorization)
      : invoke('getTask', 'GET', c.authorization, { taskId: '574057046565109672' });

  it(`answers ${FLOOD} anonymous and bad-token requests 401 on a cold instance without one storage request, storage down or up`, async () => {
    const calls = await flood(await badCredentials());
    // A handler that throws is the host's 500: counted as such.
    const status = async (c: Call) => (await call(c).catch(() => ({ status: 500 }))).status ?? 200;
    table.down(true);
    queue.down(true);
    const down = await send(calls, status);
    table.down(false);
    queue.down(false);
    const up = await send(calls, status);
    console.log(
      `Function App handlers, ${FLOOD} bad requests each: storage up ${JSON.stringify(up)}, storage down ${JSON.stringify(down)}; storage requests ${table.requests() + queue.requests()}`,
    );
    expect(up).toEqual({ 401: FLOOD });
    expect(down).toEqual({ 401: FLOOD });
    expect(table.lines().concat(queue.lines())).toEqual([]);
  });

  it('reaches storage only for a verified caller: 503 while storage is down, then 202', async () => {
    const token = `Bearer ${await mintToken({ secret: TEST_SECRET, subject: 'caller' })}`;
    table.down(true);
    queue.down(true);
    const refused = await invoke('createTask', 'POST', token);
    expect([refused.status, (refused.jsonBody as { type: string }).type]).toEqual([
      503,
      'https://policysync.dev/problems/storage-unavailable',
    ]);
    table.down(false);
    queue.down(false);
    expect((await invoke('createTask', 'POST', token)).status).toBe(202);
    expect(table.requests()).toBeGreaterThan(0);
  }, 60_000);
});

describe('the local host', () => {
  let host: HostProcess;
  beforeAll(async () => {
    table.down(false);
    queue.down(false);
    host = await startHostProcess({
      CONNECTOR_KIND: 'memory',
      JWT_SECRET: TEST_SECRET,
      AzureWebJobsStorage: storage,
      TASKS_TABLE: `gate${randomBytes(4).toString('hex')}`,
      SYNC_QUEUE: `gate-${randomBytes(4).toString('hex')}`,
      // No timer during the flood (sweeper, policy watcher): every storage request would be the API's.
      SWEEP_SCHEDULE: '0 0 0 1 1 *',
      POLICY_POLL_SECONDS: '0',
    });
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
  });

  /** Storage requests other than the queue poller's idle receives. */
  const storageRequests = () => [...table.lines(), ...queue.lines().filter((l) => !/^GET \S+\/messages\?/.test(l))];

  it(`answers ${FLOOD} anonymous and bad-token requests to every route without one storage request and without a 5xx, storage up or down`, async () => {
    const paths = ['/task', '/tasks/574057046565109672', '/tasks/x', '/tasks', '/health', '/nope'];
    const credentials = await badCredentials();
    const calls = Array.from({ length: FLOOD }, (_, i) => ({
      path: paths[i % paths.length]!,
      method: i % 3 === 0 ? 'POST' : 'GET',
      authorization: credentials[i % credentials.length],
    }));
    const one = async (c: (typeof calls)[number]) => {
      const res = await fetch(`${host.apiUrl}${c.path}`, {
        method: c.method,
        headers: {
          'Content-Type': 'application/json',
          ...(c.authorization !== undefined ? { Authorization: c.authorization } : {}),
        },
        ...(c.method === 'POST' ? { body: JSON.stringify(tableRequest('ORDERS')) } : {}),
      });
      await res.arrayBuffer();
      if (c.path === '/health' && c.method === 'GET') expect(res.status).toBe(200);
      return res.status;
    };
    const before = storageRequests().length;
    const up = await send(calls, one);
    table.down(true);
    queue.down(true);
    const down = await send(calls, one);
    console.log(
      `local host, ${FLOOD} bad requests each: storage up ${JSON.stringify(up)}, storage down ${JSON.stringify(down)}`,
    );
    expect(storageRequests().slice(before)).toEqual([]);
    for (const seen of [up, down]) {
      expect(
        Object.keys(seen)
          .map(Number)
          .filter((s) => s >= 500),
      ).toEqual([]);
      expect(seen[401]).toBeGreaterThan(FLOOD / 3);
    }
  }, 120_000);
});

describe('a deployment with the API off', () => {
  it('builds its services without any JWT key: the verifier belongs to the task routes alone', async () => {
    const config = loadConfig(
      {
        CONNECTOR_KIND: 'memory',
        CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED: 'false',
        AzureWebJobsStorage: azurite.connectionString,
        POLICY_FILE: fileURLToPath(new URL('../../dev/demo/policies.json', import.meta.url)),
        TASKS_TABLE: `off${randomBytes(4).toString('hex')}`,
      },
      WITH_MEMORY,
    );
    const services = await buildServices(config);
    expect(services.store).toBeDefined();
    await services.connector.close();
  });
});
