import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalHost, startLocalHost } from '../../dev/host/local-host.js';
import { createVerifier } from '../../shared/auth/index.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { getTask, postTask, type TaskApiDeps } from '../../shared/http/task-api.js';
import { silentLog } from '../../shared/log.js';
import { apiClient, TEST_SECRET, tableRequest } from '../support/api-client.js';
import { memoryLocal } from '../support/memory/memory-module.js';
import { memoryStorage } from '../support/memory-storage.js';
import { apiRequest, expectHttpProblem, expectProblem } from '../support/problem-shape.js';

// Promise 6: the JWT suite on both routes through the local host over HTTP; JWKS key rotation picked up; no
// endpoint but health answers without a token.
const ISSUER = 'https://issuer.test',
  AUDIENCE = 'policysync';
let host: LocalHost;
let taskId: string;
beforeAll(async () => {
  host = await startLocalHost({
    port: 0,
    log: () => undefined,
    env: { CONNECTOR_KIND: 'memory', JWT_SECRET: TEST_SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE },
    warehouses: [memoryLocal],
  });
  const api = await apiClient(host.apiUrl, { issuer: ISSUER, audience: AUDIENCE });
  taskId = ((await (await api.post('/task', tableRequest('ORDERS'))).json()) as { taskId: string }).taskId;
}, 60_000);
afterAll(async () => {
  await host?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const valid = () => ({ iss: ISSUER, aud: AUDIENCE, sub: 'caller', iat: now(), exp: now() + 3600 });
const hs = (
  claims: Record<string, unknown>,
  key: string | Uint8Array = TEST_SECRET,
  header: Record<string, unknown> = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', ...header })
    .sign(typeof key === 'string' ? new TextEncoder().encode(key) : key);
const enc = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** Each bad credential, as the Authorization header value (undefined: no header at all). */
const BAD: [string, () => Promise<string | undefined>][] = [
  ['no Authorization header', async () => undefined],
  ['an empty header', async () => ''],
  ['"Bearer" alone', async () => 'Bearer'],
  ['a Basic credential', async () => `Basic ${Buffer.from('admin:admin').toString('base64')}`],
  [
    'a token signed with another key',
    async () => `Bearer ${await hs(valid(), 'another-secret-0123456789-abcdefghijklmnop')}`,
  ],
  ['an expired token', async () => `Bearer ${await hs({ ...valid(), exp: now() - 120 })}`],
  ['a token not yet valid (nbf in an hour)', async () => `Bearer ${await hs({ ...valid(), nbf: now() + 3600 })}`],
  ['a token without exp', async () => `Bearer ${await hs({ iss: ISSUER, aud: AUDIENCE, sub: 'x', iat: now() })}`],
  [
    'a token without iat (its lifetime unknown)',
    async () => `Bearer ${await hs({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now() + 600 })}`,
  ],
  ['a token living longer than 24 h', async () => `Bearer ${await hs({ ...valid(), exp: now() + 86_400 + 60 })}`],
  [
    'a year-long token issued a month ago',
    async () => `Bearer ${await hs({ ...valid(), iat: now() - 30 * 86_400, exp: now() + 335 * 86_400 })}`,
  ],
  [
    'a token issued in the future (a short exp - iat hiding a long validity)',
    async () => `Bearer ${await hs({ ...valid(), iat: now() + 86_400, exp: now() + 90_000 })}`,
  ],
  ['a token from another issuer', async () => `Bearer ${await hs({ ...valid(), iss: 'https://evil.test' })}`],
  ['a token for another audience', async () => `Bearer ${await hs({ ...valid(), aud: 'someone-else' })}`],
  ['alg none', async () => `Bearer ${enc({ alg: 'none', typ: 'JWT' })}.${enc(valid())}.`],
  ['alg None with a signature', async () => `Bearer ${enc({ alg: 'None' })}.${enc(valid())}.${enc('sig')}`],
  [
    'HS256 signed with a public key as the secret (alg confusion)',
    async () => `Bearer ${await hs(valid(), rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString())}`,
  ],
  [
    'RS256 signed with a key the service does not know',
    async () => `Bearer ${await new SignJWT(valid()).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey)}`,
  ],
  [
    'a token with a jwk header carrying its own key',
    async () => {
      const jwk = await exportJWK(rsa.publicKey);
      return `Bearer ${await new SignJWT(valid()).setProtectedHeader({ alg: 'RS256', jwk }).sign(rsa.privateKey)}`;
    },
  ],
  [
    'a tampered payload',
    async () => {
      const [h, , sig] = (await hs(valid())).split('.');
      return `Bearer ${h}.${enc({ ...valid(), sub: 'admin', roles: ['admin'] })}.${sig}`;
    },
  ],
  ['malformed: one segment', async () => 'Bearer abc'],
  ['malformed: two segments', async () => `Bearer ${enc({ alg: 'HS256' })}.${enc(valid())}`],
  ['malformed: four segments', async () => `Bearer ${await hs(valid())}.x`],
  ['malformed: header not JSON', async () => `Bearer ${enc('not json')}.${enc(valid())}.${enc('s')}`],
  ['malformed: not base64url', async () => 'Bearer ###.$$$.%%%'],
  ['malformed: Unicode', async () => `Bearer ${encodeURIComponent('令牌.令牌.令牌')}`],
  ['malformed: two tokens', async () => `Bearer ${await hs(valid())}, Bearer ${await hs(valid())}`],
  ['malformed: JSON instead of a JWT', async () => `Bearer ${JSON.stringify(valid())}`],
  ['oversized: 20,000 characters', async () => `Bearer ${'a'.repeat(20_000)}`],
  [
    'oversized: a validly signed token over 16 KiB',
    async () => `Bearer ${await hs({ ...valid(), pad: 'x'.repeat(17_000) })}`,
  ],
];

const routes = () => [
  {
    name: 'POST /task',
    call: (authorization?: string) =>
      fetch(`${host.apiUrl}/task`, {
        method: 'POST',
        body: JSON.stringify(tableRequest('ORDERS')),
        headers: {
          'Content-Type': 'application/json',
          ...(authorization !== undefined ? { Authorization: authorization } : {}),
        },
      }),
  },
  {
    name: 'GET /tasks/{id}',
    call: (authorization?: string) =>
      fetch(`${host.apiUrl}/tasks/${taskId}`, {
        headers: authorization !== undefined ? { Authorization: authorization } : {},
      }),
  },
];

describe('the JWT suite on both routes', () => {
  it.each(BAD)(
    'refuses %s on POST and GET: 401 problem+json with WWW-Authenticate, the token never echoed',
    async (_label, credential) => {
      const authorization = await credential();
      for (const route of routes()) {
        const res = await route.call(authorization);
        // Node's HTTP server (like the Functions front end) refuses headers over 16 KiB itself: 431, not the API's 401.
        if (authorization !== undefined && authorization.length > 16_000 && res.status === 431) continue;
        expect(res.status, route.name).toBe(401);
        expect(res.headers.get('www-authenticate'), route.name).toMatch(/^Bearer realm="policysync"/);
        const text = await res.clone().text();
        const token = authorization?.replace(/^Bearer\s+/i, '') ?? '';
        if (token.length > 8) expect(text).not.toContain(token.slice(0, 40));
        const problem = await expectHttpProblem(res, [401]);
        expect(problem).not.toHaveProperty('taskId');
      }
    },
  );

  it('refuses an oversized token in the API itself too (a front end that lets 20 KB headers through): 401', async () => {
    const m = memoryStorage();
    const deps: TaskApiDeps = {
      store: m.store,
      queue: m.dispatch,
      warehouse: snowflakeModule,
      instance: 'auth',
      log: silentLog,
      verify: createVerifier({ secret: TEST_SECRET, issuer: ISSUER, audience: AUDIENCE }),
    };
    for (const token of ['a'.repeat(20_000), await hs({ ...valid(), pad: 'x'.repeat(17_000) })]) {
      const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      expectProblem(
        await postTask(apiRequest('POST', 'http://l/task', h, JSON.stringify(tableRequest('ORDERS'))), deps),
        [401],
      );
      expectProblem(await getTask(apiRequest('GET', 'http://l/x', h, '', { taskId: '1' }), deps), [401]);
    }
  });

  it('answers 403 problem+json with an insufficient_scope challenge on both routes when JWT_REQUIRED_SCOPE is not granted', async () => {
    const m = memoryStorage();
    const verify = createVerifier({
      secret: TEST_SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredScope: 'Task.Write',
    });
    const deps: TaskApiDeps = {
      store: m.store,
      queue: m.dispatch,
      warehouse: snowflakeModule,
      instance: 'scope',
      log: silentLog,
      verify,
    };
    const calls = (token: string) => {
      const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      return Promise.all([
        postTask(apiRequest('POST', 'http://l/task', h, JSON.stringify(tableRequest('ORDERS'))), deps),
        getTask(apiRequest('GET', 'http://l/x', h, '', { taskId: '1' }), deps),
      ]);
    };
    for (const claims of [{}, { scp: 'Task.Read' }, { roles: ['Task.Reader'] }]) {
      for (const res of await calls(await hs({ ...valid(), ...claims }))) {
        expectProblem(res, [403]);
        expect(res.headers?.['WWW-Authenticate']).toMatch(
          /^Bearer realm="policysync", error="insufficient_scope", .*scope="Task.Write"$/,
        );
      }
    }
    expect(m.table.rows.size).toBe(0);
    const [post, get] = await calls(await hs({ ...valid(), roles: ['Task.Write'] }));
    expect([post!.status, get!.status]).toEqual([202, 404]);
  });

  it('accepts a valid token on both routes, as Bearer or bare, and one 20 s early (nbf within the 30 s clock tolerance)', async () => {
    for (const token of [await hs(valid()), await hs({ ...valid(), nbf: now() + 20 })]) {
      for (const authorization of [`Bearer ${token}`, token]) {
        const [post, get] = await Promise.all(routes().map((r) => r.call(authorization)));
        expect(post!.status).toBe(202);
        expect(get!.status).toBe(200);
      }
    }
  });
});

describe('no endpoint but health answers without a token', () => {
  it('answers 401, 404 or 405 to every method on every path except GET health, which answers 200', async () => {
    const base = host.apiUrl.replace(/\/policysync\/api\/v1$/, '');
    const paths = [
      '/policysync/api/v1/task',
      '/policysync/api/v1/task/',
      '/POLICYSYNC/API/V1/TASK',
      '/policysync/api/v1/tasks/1',
      `/policysync/api/v1/tasks/${taskId}`,
      '/policysync/api/v1/tasks/',
      '/policysync/api/v1/tasks',
      '/policysync/api/v1/health',
      '/policysync/api/v1/health/',
      '/policysync/api/v1/HEALTH',
      '/policysync/api/v1/tasks/%2e%2e',
      '/policysync/api/v1/tasks/..%2f..%2fhealth',
      '//policysync/api/v1/task',
      '/policysync/api/v1/task?token=x',
      '/',
      '/api/v1/task',
      '/admin',
      '/policysync/api/v2/task',
      '/policysync/api/v1/tasks/1/resources',
      '/.well-known/jwks.json',
      '/__emulator/statements',
    ];
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
    const seen: Record<string, number> = {};
    for (const path of paths) {
      for (const method of methods) {
        const res = await fetch(`${base}${path}`, {
          method,
          ...(method === 'POST' || method === 'PUT' || method === 'PATCH'
            ? { body: JSON.stringify(tableRequest('ORDERS')), headers: { 'Content-Type': 'application/json' } }
            : {}),
        });
        await res.arrayBuffer();
        seen[res.status] = (seen[res.status] ?? 0) + 1;
        const isHealth = /^\/policysync\/api\/v1\/health\/?$/i.test(path) && method === 'GET';
        if (isHealth) expect(res.status, `${method} ${path}`).toBe(200);
        else expect([401, 404, 405], `${method} ${path}`).toContain(res.status);
      }
    }
    console.log(`unauthenticated sweep, ${paths.length} paths x ${methods.length} methods: ${JSON.stringify(seen)}`);
  });
});

describe('JWKS key rotation', () => {
  let server: Server;
  let keys: JWK[] = [];
  let fetches = 0;
  const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = async (kid: string, publicKey: KeyObject): Promise<JWK> => ({
    ...(await exportJWK(publicKey)),
    kid,
    alg: 'RS256',
    use: 'sig',
  });
  const rs = (kid: string, privateKey: KeyObject) =>
    new SignJWT({ ...valid(), sub: 'svc' }).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
  beforeAll(async () => {
    server = createServer((_q, r) => {
      fetches++;
      r.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    vi.useRealTimers();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('accepts a token signed with a newly published key once the 30 s JWKS cooldown has passed, and refuses the retired key', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
    const m = memoryStorage();
    const deps: TaskApiDeps = {
      store: m.store,
      queue: m.dispatch,
      warehouse: snowflakeModule,
      instance: 'jwks',
      log: silentLog,
      verify: createVerifier({ jwksUrl: url, issuer: ISSUER, audience: AUDIENCE }),
    };
    const post = async (token: string) =>
      postTask(
        apiRequest(
          'POST',
          'http://l/task',
          { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          JSON.stringify(tableRequest('ORDERS')),
        ),
        deps,
      );
    const get = async (token: string, id: string) =>
      getTask(apiRequest('GET', 'http://l/x', { authorization: `Bearer ${token}` }, '', { taskId: id }), deps);
    const a = pair(),
      b = pair();
    keys = [await jwk('key-a', a.publicKey)];
    const first = await post(await rs('key-a', a.privateKey));
    expect(first.status).toBe(202);
    const id = (first.jsonBody as { taskId: string }).taskId;

    // The issuer rotates: key B published, key A retired.
    keys = [await jwk('key-b', b.publicKey)];
    const tokenB = await rs('key-b', b.privateKey);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const early = await post(tokenB);
    expectProblem(early, [401]); // within jose's cooldown the cached set is kept
    vi.setSystemTime(Date.now() + 31_000);
    expect((await post(tokenB)).status).toBe(202);
    expect((await get(tokenB, id)).status).toBe(200);
    expectProblem(await post(await rs('key-a', a.privateKey)), [401]); // the retired key no longer verifies
    vi.useRealTimers();
    console.log(`JWKS rotation: ${fetches} fetch(es) of the key set`);
  });
});
