import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHost, startLocalHost } from '../../dev/host/local-host.js';
import { mintToken } from '../../shared/auth/index.js';
import { TEST_SECRET } from '../support/api-client.js';
import { memoryLocal } from '../support/memory/memory-module.js';

// Promise 5 over real HTTP: a sample of hostile requests through the local host's node:http routes (the same
// function registrations the Functions host runs). 10,000-case runs of the same targets are in hostile-input.test.ts.
const HTTP_RUNS = Number(process.env.RELIABILITY_HTTP_RUNS ?? 400);
let host: LocalHost;
let base: string;
let token: string;
beforeAll(async () => {
  host = await startLocalHost({
    port: 0,
    log: () => undefined,
    env: { CONNECTOR_KIND: 'memory', JWT_SECRET: TEST_SECRET },
    warehouses: [memoryLocal],
  });
  base = host.apiUrl;
  token = await mintToken({ secret: TEST_SECRET, subject: 'fuzz' });
}, 60_000);
afterAll(async () => {
  await host?.stop();
});

const segment = fc.oneof(
  fc.constantFrom(
    'task',
    'tasks',
    'health',
    '1',
    '914200028106268672',
    '%',
    '%E0%A4%A',
    '%ZZ',
    '%00',
    '%2F',
    '%2e%2e',
    '..',
    '%C0%AF',
    '%F0%9F%98',
    '%uD800',
    '%25',
    '表',
    ';',
    '?x=%',
    '#frag',
  ),
  fc.stringMatching(/^[A-Za-z0-9%._~!$&'()*+,;=:@-]{0,30}$/),
);
const path = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('task', 'task?dryRun=true', 'task?dryRun=%ZZ') },
  { weight: 4, arbitrary: segment.map((x) => `tasks/${x}`) },
  { weight: 1, arbitrary: fc.constant('health') },
  { weight: 1, arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/')) },
);
const printable = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);

describe('hostile requests through the local host over HTTP', () => {
  it('answers malformed percent-encoding in a route parameter without a 5xx', async () => {
    for (const bad of ['%E0%A4%A', '%', '%ZZ', '%C0%AF%', '1%']) {
      const res = await fetch(`${base}/tasks/${bad}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status, bad).toBeLessThan(500);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it(`answers ${HTTP_RUNS} generated requests (method, path, headers, body) with no 5xx, API errors as problem+json`, async () => {
    const tally: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom('GET', 'POST') },
          { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH') },
        ),
        path,
        fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        fc.record(
          {
            'content-type': fc.oneof(fc.constant('application/json'), printable),
            prefer: fc.oneof(
              fc.constant('wait=0'),
              printable.filter((p) => !/wait\s*=\s*"?[1-9]/i.test(p)),
            ),
            'idempotency-key': printable,
            'x-forwarded-for': printable,
          },
          { requiredKeys: [] },
        ),
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
          fc.string({ maxLength: 200 }),
          fc.constant(
            JSON.stringify({
              type: 'RESOURCE_SYNC',
              requestInfo: {
                resources: [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' } }],
              },
            }),
          ),
        ),
        async (method, p, authed, headers, body) => {
          const res = await fetch(`${base}/${p}`, {
            method,
            headers: { ...headers, ...(authed ? { Authorization: `Bearer ${token}` } : {}) },
            ...(method === 'GET' ? {} : { body }),
          });
          const text = await res.text();
          tally[res.status] = (tally[res.status] ?? 0) + 1;
          expect(res.status, `${method} /${p} -> ${text}`).toBeLessThan(500);
          if (res.status >= 400 && text.length > 0) {
            expect(res.headers.get('content-type')).toContain('application/problem+json');
            const problem = JSON.parse(text) as { status: number; type: string; title: string; detail: string };
            expect(problem.status).toBe(res.status);
            expect(typeof problem.detail).toBe('string');
          }
        },
      ),
      { numRuns: HTTP_RUNS, endOnFailure: true },
    );
    console.log(`HTTP fuzz through the local host, ${HTTP_RUNS} cases: ${JSON.stringify(tally)}`);
  }, 120_000);
});
