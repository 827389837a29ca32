import { describe, expect, it } from 'vitest';
import { ApiClient, apiUrl, awaitTask, clientSettings, problemLine, type TaskView } from '../../../cli/api-client.js';
import { CliError } from '../../../cli/cli-error.js';
import { taskViewOf } from '../../support/task-view.js';

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  at: number;
}

/** A scripted server on a fake clock: `reply` sees each request and says what to answer and how long it took. */
function fakeServer(
  reply: (
    call: Call,
    n: number,
  ) => { status?: number; body: unknown; headers?: Record<string, string>; tookMs?: number },
) {
  let clock = 1_000_000;
  const calls: Call[] = [],
    sleeps: number[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    const call: Call = {
      method: init.method ?? 'GET',
      url,
      headers: init.headers as Record<string, string>,
      ...(init.body ? { body: String(init.body) } : {}),
      at: clock,
    };
    calls.push(call);
    const r = reply(call, calls.length);
    clock += r.tookMs ?? 5;
    const json = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    return new Response(json, {
      status: r.status ?? 200,
      headers: { 'Content-Type': 'application/json', ...r.headers },
    });
  }) as unknown as typeof fetch;
  const client = new ApiClient(
    { apiUrl: 'http://api.test/policysync/api/v1', token: 't0k' },
    {
      fetch: fetchFn,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    },
  );
  return { client, calls, sleeps, now: () => clock };
}

const view = (status: TaskView['status'], extra: Partial<TaskView> = {}): TaskView =>
  taskViewOf({ taskId: '42', status, ...extra });
const ref = [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' } }];

describe('where the API is and who we are', () => {
  it.each([
    ['http://127.0.0.1:7071', 'http://127.0.0.1:7071/policysync/api/v1'],
    ['http://127.0.0.1:7071/', 'http://127.0.0.1:7071/policysync/api/v1'],
    ['http://127.0.0.1:7071/policysync/api', 'http://127.0.0.1:7071/policysync/api/v1'],
    ['https://sync.example.com/policysync/api/v1/', 'https://sync.example.com/policysync/api/v1'],
    ['https://gw.example.com/teams/data/v1', 'https://gw.example.com/teams/data/v1'],
  ])('reads %s as the API %s', (written, url) => {
    expect(apiUrl(written)).toBe(url);
  });

  it('takes --url and --token over POLICYSYNC_URL and POLICYSYNC_TOKEN, and a pasted "Bearer " prefix is dropped', () => {
    expect(clientSettings({}, { POLICYSYNC_URL: 'http://a:1', POLICYSYNC_TOKEN: 'Bearer abc' })).toEqual({
      apiUrl: 'http://a:1/policysync/api/v1',
      token: 'abc',
    });
    expect(
      clientSettings({ url: 'http://b:2', token: 'xyz' }, { POLICYSYNC_URL: 'http://a:1', POLICYSYNC_TOKEN: 'abc' }),
    ).toEqual({ apiUrl: 'http://b:2/policysync/api/v1', token: 'xyz' });
  });

  it('says how to set a missing URL or token', () => {
    expect(() => clientSettings({}, { POLICYSYNC_TOKEN: 'abc' })).toThrow(/pass --url or set POLICYSYNC_URL/);
    expect(() => clientSettings({ url: 'http://a' }, { POLICYSYNC_TOKEN: ' ' })).toThrow(
      /pass --token or set POLICYSYNC_TOKEN/,
    );
    expect(() => clientSettings({ url: 'ftp://a', token: 'x' }, {})).toThrow(/not an http\(s\) URL/);
  });
});

describe('requests', () => {
  it('posts a RESOURCE_SYNC task with the token, an Idempotency-Key, dryRun and a Prefer wait', async () => {
    const { client, calls } = fakeServer(() => ({ status: 202, body: view('WAITING') }));
    await client.createTask(ref, { dryRun: true, waitSeconds: 20, idempotencyKey: 'k1' });
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: 'http://api.test/policysync/api/v1/task?dryRun=true',
      headers: {
        Authorization: 'Bearer t0k',
        'Content-Type': 'application/json',
        'Idempotency-Key': 'k1',
        Prefer: 'wait=20',
      },
    });
    expect(JSON.parse(calls[0]!.body!)).toEqual({ type: 'RESOURCE_SYNC', requestInfo: { resources: ref } });
  });

  it('retries a 503 after Retry-After with the same Idempotency-Key, so a retry is the same task', async () => {
    const { client, calls, sleeps } = fakeServer((_, n) =>
      n === 1
        ? {
            status: 503,
            body: { title: 'Service Unavailable', status: 503, detail: 'task storage is unavailable' },
            headers: { 'Retry-After': '2' },
          }
        : { status: 202, body: view('WAITING') },
    );
    const answer = await client.createTask(ref);
    expect(answer.task.status).toBe('WAITING');
    expect(sleeps).toEqual([2000]);
    expect(calls[1]!.headers['Idempotency-Key']).toBe(calls[0]!.headers['Idempotency-Key']);
  });

  it('turns a problem+json answer into one line with each issue and its path', async () => {
    const { client } = fakeServer(() => ({
      status: 400,
      headers: { 'Content-Type': 'application/problem+json' },
      body: {
        type: 'https://policysync.dev/problems/invalid-request',
        title: 'Bad Request',
        status: 400,
        detail: 'the task request does not match the RESOURCE_SYNC schema',
        issues: [{ path: '$.requestInfo.resources[0].type', message: 'Too small' }],
      },
    }));
    const err = (await client.createTask(ref).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.code).toBe('HTTP');
    expect(err.message).toBe(
      'HTTP 400 Bad Request: the task request does not match the RESOURCE_SYNC schema ($.requestInfo.resources[0].type: Too small)',
    );
  });

  it('names a 401 an AUTH error and says where the token comes from', async () => {
    const { client } = fakeServer(() => ({
      status: 401,
      body: { title: 'Unauthorized', status: 401, detail: 'the token has expired' },
    }));
    const err = (await client.getTask('42').catch((e: unknown) => e)) as CliError;
    expect(err.code).toBe('AUTH');
    expect(err.message).toMatch(/^HTTP 401 Unauthorized: the token has expired — check --token \/ POLICYSYNC_TOKEN/);
  });

  it('says when a URL answers with something that is not the task API', async () => {
    const { client } = fakeServer(() => ({
      status: 200,
      body: '<html>hello</html>',
      headers: { 'Content-Type': 'text/html' },
    }));
    await expect(client.getTask('42')).rejects.toThrow(
      /answered 200 without a task \(text\/html: <html>hello<\/html>\); is --url the policysync API\?/,
    );
  });

  it('retries a connection reset mid-request with the same Idempotency-Key', async () => {
    const keys: string[] = [];
    const flaky = (async (_: string, init: RequestInit) => {
      keys.push((init.headers as Record<string, string>)['Idempotency-Key']!);
      if (keys.length === 1) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return new Response(JSON.stringify(view('WAITING')), { status: 202 });
    }) as unknown as typeof fetch;
    const client = new ApiClient(
      { apiUrl: 'http://api.test/policysync/api/v1', token: 't' },
      { fetch: flaky, sleep: async () => undefined },
    );
    expect((await client.createTask(ref)).task.status).toBe('WAITING');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  it('reports an unreachable server once, without retrying a refused connection', async () => {
    let attempts = 0;
    const refused = (async () => {
      attempts++;
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    }) as unknown as typeof fetch;
    const client = new ApiClient({ apiUrl: 'http://127.0.0.1:9/policysync/api/v1', token: 't' }, { fetch: refused });
    await expect(client.getTask('42')).rejects.toThrow('cannot reach http://127.0.0.1:9: ECONNREFUSED');
    expect(attempts).toBe(1);
  });

  it('writes a problem without detail as its status and title', () => {
    expect(problemLine(404, { title: 'Not Found' })).toBe('HTTP 404 Not Found');
  });
});

describe('waiting for a task', () => {
  it('takes the finished task from one waited POST when the server applies Prefer: wait', async () => {
    const { client, calls } = fakeServer(() => ({
      body: view('SUCCESS'),
      headers: { 'Preference-Applied': 'wait=20' },
      tookMs: 300,
    }));
    const start = Date.now();
    const first = await client.createTask(ref, { waitSeconds: 20 });
    expect(first.preferenceApplied).toBe(true);
    expect((await awaitTask(client, first, 120, start)).status).toBe('SUCCESS');
    expect(calls).toHaveLength(1);
  });

  it('waits in slices of at most 20 s, one held request after another, without sleeping in between', async () => {
    const { client, calls, sleeps, now } = fakeServer((call, n) => {
      const wait = Number(/wait=(\d+)/.exec(call.headers.Prefer ?? '')?.[1] ?? 0);
      return n < 4
        ? { status: n === 1 ? 202 : 200, body: view('INPROGRESS'), tookMs: wait * 1000 }
        : { body: view('SUCCESS'), headers: { 'Preference-Applied': 'wait=5' }, tookMs: 1200 };
    });
    const start = now();
    const first = await client.createTask(ref, { waitSeconds: 20 });
    const done = await awaitTask(client, first, 65, start);
    expect(done.status).toBe('SUCCESS');
    expect(calls.map((c) => `${c.method} ${c.headers.Prefer}`)).toEqual([
      'POST wait=20',
      'GET wait=20',
      'GET wait=20',
      'GET wait=5',
    ]);
    expect(sleeps).toEqual([]);
  });

  it('falls back to polling GET with backoff when the server answers at once without Preference-Applied', async () => {
    const { client, calls, sleeps, now } = fakeServer((_, n) => ({
      status: n === 1 ? 202 : 200,
      body: view(n < 7 ? 'WAITING' : 'SUCCESS'),
      tookMs: 3,
    }));
    const start = now();
    const first = await client.createTask(ref, { waitSeconds: 20 });
    expect(first.preferenceApplied).toBe(false);
    const seen: string[] = [];
    const done = await awaitTask(client, first, 30, start, (t) => seen.push(t.status));
    expect(done.status).toBe('SUCCESS');
    expect(calls.slice(1).every((c) => c.method === 'GET' && c.url.endsWith('/tasks/42'))).toBe(true);
    expect(sleeps).toEqual([100, 200, 400, 800, 1600]);
    expect(seen).toEqual(['WAITING', 'WAITING', 'WAITING', 'WAITING', 'WAITING', 'WAITING', 'SUCCESS']);
  });

  it('caps the polling backoff at 2 s and gives up at the deadline with the task as last read', async () => {
    const { client, sleeps, now } = fakeServer(() => ({ body: view('INPROGRESS'), tookMs: 0 }));
    const start = now();
    const first = await client.getTask('42');
    const last = await awaitTask(client, first, 7, start);
    expect(last.status).toBe('INPROGRESS');
    expect(Math.max(...sleeps)).toBe(2000);
    expect(now() - start).toBeLessThanOrEqual(7000);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(7000);
  });

  it('returns at once when the first answer is already terminal', async () => {
    const { client, calls } = fakeServer(() => ({ body: view('FAILED') }));
    const first = await client.getTask('42');
    expect((await awaitTask(client, first, 60, Date.now())).status).toBe('FAILED');
    expect(calls).toHaveLength(1);
  });
});
