import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHost, startLocalHost } from '../../dev/host/local-host.js';
import { type ApiClient, apiClient, TEST_SECRET, tableRequest } from '../support/api-client.js';
import { memoryLocal } from '../support/memory/memory-module.js';

let host: LocalHost;
let api: ApiClient;
beforeAll(async () => {
  host = await startLocalHost({
    port: 0,
    log: () => undefined,
    env: {
      CONNECTOR_KIND: 'memory',
      JWT_SECRET: TEST_SECRET,
      JWT_ISSUER: 'https://issuer.test',
      JWT_AUDIENCE: 'policysync',
    },
    warehouses: [memoryLocal],
  });
  api = await apiClient(host.apiUrl, { issuer: 'https://issuer.test', audience: 'policysync' });
});
afterAll(async () => {
  await host.stop();
});

const post = (body: unknown, headers?: Record<string, string>) => api.post('/task', body, headers);

describe('POST /policysync/api/v1/task and GET /policysync/api/v1/tasks/{taskId}', () => {
  it('creates a task (202, Location, WAITING) that the worker takes to SUCCESS with per-resource rows', async () => {
    const res = await post(tableRequest('ORDERS'));
    expect(res.status).toBe(202);
    const created = (await res.json()) as { taskId: string; status: string };
    expect(created.taskId).toMatch(/^\d{15,20}$/);
    expect(['WAITING', 'INPROGRESS', 'SUCCESS']).toContain(created.status);
    expect(res.headers.get('location')).toBe(`/policysync/api/v1/tasks/${created.taskId}`);
    const done = await api.waitForTerminal(created.taskId);
    expect(done.status).toBe('SUCCESS');
    expect(done.resources).toHaveLength(1);
    expect(done.resources[0]).toMatchObject({ type: 'table', status: 'SUCCESS' });
    expect(done.resources[0].changes.granted.join('\n')).toContain('SELECT');
  });

  it('takes a POLICY_SYNC through the same route and record: 202, then the unknown policy SKIPPED with the reason', async () => {
    const res = await post({ type: 'POLICY_SYNC', requestInfo: { policies: [{ id: 424242 }] } });
    expect(res.status).toBe(202);
    const created = (await res.json()) as { taskId: string; type: string; policies: unknown };
    expect(created).toMatchObject({ type: 'POLICY_SYNC', policies: [{ id: 424242 }] });
    const done = await api.waitForTerminal(created.taskId);
    expect(done).toMatchObject({ type: 'POLICY_SYNC', status: 'SKIPPED' });
    expect(done.resources).toEqual([
      expect.objectContaining({
        type: 'policy',
        values: { id: '424242' },
        status: 'SKIPPED',
        message: expect.stringContaining('policy 424242 is not in the policy source'),
      }),
    ]);
    const bad = await post({ type: 'POLICY_SYNC', requestInfo: { policies: [{ id: -1 }] } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('$.requestInfo.policies[0].id');
  });

  it('answers 400 problem+json with the JSON path of every problem', async () => {
    const cases: [unknown, string[]][] = [
      [{}, ['$.type', '$.requestInfo']],
      [{ type: 'RESOURCE_SYNC' }, ['$.requestInfo']],
      [{ type: 'OTHER', requestInfo: { resources: [{ type: 'table', values: {} }] } }, ['$.type']],
      [{ type: 'RESOURCE_SYNC', requestInfo: { resources: [] } }, ['$.requestInfo.resources']],
      [
        { type: 'RESOURCE_SYNC', requestInfo: { resources: [{ values: { database: 'A' } }] } },
        ['$.requestInfo.resources[0].type'],
      ],
      [
        { type: 'RESOURCE_SYNC', requestInfo: { resources: [{ type: 'table', values: { database: 5 } }] } },
        ['$.requestInfo.resources[0].values.database'],
      ],
      [[1, 2], ['$']],
    ];
    for (const [body, paths] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as { issues: { path: string }[]; status: number };
      expect(problem.status).toBe(400);
      expect(problem.issues.map((i) => i.path)).toEqual(expect.arrayContaining(paths));
    }
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await post('{"type": ');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { type: string }).type).toContain('invalid-json');
  });

  it('answers 415 for a body that is not application/json', async () => {
    const res = await post('type=RESOURCE_SYNC', { 'Content-Type': 'text/plain' });
    expect(res.status).toBe(415);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const res = await post({ ...tableRequest('ORDERS'), padding: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
  });

  it('answers 404 problem+json for an unknown task id, and for an id that is not a task id', async () => {
    for (const id of ['123456789012345678', 'not-a-task']) {
      const res = await api.get(`/tasks/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('accepts an unsupported resource type and skips that resource with the reason', async () => {
    const body = {
      type: 'RESOURCE_SYNC',
      requestInfo: {
        resources: [
          { type: 'catalog', values: { catalog: 'main' } },
          { type: 'table', values: { database: 'SALES', schema: 'PUBLIC' } },
          { type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'CUSTOMERS' } },
        ],
      },
    };
    const created = (await (await post(body)).json()) as { taskId: string };
    const done = await api.waitForTerminal(created.taskId);
    expect(done.status).toBe('SUCCESS');
    expect(done.resources.map((r: { status: string }) => r.status)).toEqual(['SKIPPED', 'SKIPPED', 'SUCCESS']);
    expect(done.resources[0].message).toContain("unsupported resource type 'catalog'");
    expect(done.resources[1].message).toContain('needs values.table');
  });

  it('ends a task whose every resource is unsupported as SKIPPED without running the worker', async () => {
    const created = (await (
      await post({ type: 'RESOURCE_SYNC', requestInfo: { resources: [{ type: 'volume', values: { x: 'y' } }] } })
    ).json()) as { status: string };
    expect(created.status).toBe('SKIPPED');
  });

  it('skips a resource that does not exist in the warehouse as not found', async () => {
    const created = (await (await post(tableRequest('NO_SUCH_TABLE'))).json()) as { taskId: string };
    const done = await api.waitForTerminal(created.taskId);
    expect(done.status).toBe('SKIPPED');
    expect(done.resources[0].message).toContain('not found');
  });

  it('maps a repeated Idempotency-Key to the first task', async () => {
    const a = (await (await post(tableRequest('ORDERS'), { 'Idempotency-Key': 'deploy-42' })).json()) as {
      taskId: string;
    };
    const b = (await (await post(tableRequest('ORDERS'), { 'Idempotency-Key': 'deploy-42' })).json()) as {
      taskId: string;
      duplicate: boolean;
    };
    expect(b.taskId).toBe(a.taskId);
    expect(b.duplicate).toBe(true);
  });

  it('plans without applying on ?dryRun=true', async () => {
    const res = await api.post('/task?dryRun=true', tableRequest('CUSTOMERS', 'PUBLIC'));
    const done = await api.waitForTerminal(((await res.json()) as { taskId: string }).taskId);
    expect(done.dryRun).toBe(true);
    expect(done.resources[0].changes.dryRun).toBe(true);
    expect(done.resources[0].changes.statements).toEqual([]);
  });

  it('answers health without a token and without secrets', async () => {
    const res = await fetch(`${host.apiUrl}/health`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(TEST_SECRET);
    expect(JSON.parse(text)).toMatchObject({ status: 'ok', connector: 'memory' });
  });
});

describe('Prefer: wait', () => {
  it('answers a waited POST with the finished task and its per-resource changes in one call', async () => {
    const res = await post(tableRequest('CUSTOMERS'), { Prefer: 'wait=10' });
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBe('wait=10');
    expect(res.headers.get('location')).toMatch(/\/policysync\/api\/v1\/tasks\/\d+$/);
    const task = (await res.json()) as { status: string; resources: { changes: unknown }[] };
    expect(task.status).toBe('SUCCESS');
    expect(task.resources[0]!.changes).toBeDefined();
  });

  it('answers a waited GET of a finished task at once', async () => {
    const { taskId } = (await (await post(tableRequest('ORDERS'))).json()) as { taskId: string };
    await api.waitForTerminal(taskId);
    const res = await api.get(`/tasks/${taskId}`, { Prefer: 'respond-async, wait=5' });
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBe('wait=5');
  });
});

describe('authentication', () => {
  const postWith = (authorization: string | undefined) =>
    fetch(`${host.apiUrl}/task`, {
      method: 'POST',
      body: JSON.stringify(tableRequest('ORDERS')),
      headers: {
        'Content-Type': 'application/json',
        ...(authorization !== undefined ? { Authorization: authorization } : {}),
      },
    });
  const sign = (claims: Record<string, unknown>, key: Uint8Array | string = TEST_SECRET, alg = 'HS256') =>
    new SignJWT(claims).setProtectedHeader({ alg }).sign(typeof key === 'string' ? new TextEncoder().encode(key) : key);
  const valid = { iss: 'https://issuer.test', aud: 'policysync', sub: 't', iat: Math.floor(Date.now() / 1000) };
  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

  it('accepts a bare token as well as a Bearer one', async () => {
    const token = await sign({ ...valid, exp: inAnHour() });
    expect((await postWith(token)).status).toBe(202);
    expect((await postWith(`Bearer ${token}`)).status).toBe(202);
  });

  it.each([
    ['missing', async () => undefined],
    ['expired', async () => sign({ ...valid, exp: Math.floor(Date.now() / 1000) - 3600 })],
    ['without exp', async () => sign(valid)],
    [
      'signed with another key',
      async () => sign({ ...valid, exp: inAnHour() }, 'another-secret-0123456789-abcdefghijk'),
    ],
    ['from another issuer', async () => sign({ ...valid, iss: 'https://evil.test', exp: inAnHour() })],
    ['for another audience', async () => sign({ ...valid, aud: 'other', exp: inAnHour() })],
    [
      'with alg none',
      async () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...valid, exp: inAnHour() })}.`;
      },
    ],
    [
      'HS256-signed with a public key as the secret',
      async () => {
        const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        return sign({ ...valid, exp: inAnHour() }, publicKey.export({ type: 'spki', format: 'pem' }).toString());
      },
    ],
  ])('answers 401 with WWW-Authenticate for a token %s', async (_name, token) => {
    const t = await token();
    const res = await postWith(t === undefined ? undefined : `Bearer ${t}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="policysync"/);
    const text = await res.text();
    if (t) expect(text).not.toContain(t);
  });

  it('answers 401 on GET without a token', async () => {
    expect((await fetch(`${host.apiUrl}/tasks/123`)).status).toBe(401);
  });
});
