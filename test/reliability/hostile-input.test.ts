import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVerifier, mintToken } from '../../shared/auth/index.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { ingestMessage } from '../../shared/events/ingest.js';
import { preferredWait } from '../../shared/http/prefer-wait.js';
import { getTask, postTask, type TaskApiDeps } from '../../shared/http/task-api.js';
import type { ApiResponse } from '../../shared/http/types.js';
import { ingestEventBatch } from '../../shared/intake/event-batch.js';
import type { Log } from '../../shared/log.js';
import { PolicyError, parsePolicies, resourceAcl, snowflakeServiceDef } from '../../shared/policy/index.js';
import { TEST_SECRET } from '../support/api-client.js';
import { memoryStorage } from '../support/memory-storage.js';
import { apiRequest, expectProblem } from '../support/problem-shape.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

// Promise 5: hostile input never gets a 5xx, never an unhandled rejection, and every error is well-formed
// problem+json. 10,000 cases per target where a case is in-process and cheap (the real TaskStore and
// DispatchQueue over in-memory tables, see support/memory-storage.ts); a further sample of each HTTP and Event
// Hub target runs against real Azurite. The sample through the real local host is in hostile-http.test.ts.
const CHEAP_RUNS = 10_000;
/** RELIABILITY_FUZZ_SEED=<seed> [RELIABILITY_FUZZ_PATH=<path>] replays a reported counterexample. */
const replay = process.env.RELIABILITY_FUZZ_SEED
  ? {
      seed: Number(process.env.RELIABILITY_FUZZ_SEED),
      ...(process.env.RELIABILITY_FUZZ_PATH ? { path: process.env.RELIABILITY_FUZZ_PATH } : {}),
    }
  : {};
const AZURITE_RUNS = Number(process.env.RELIABILITY_FUZZ_AZURITE_RUNS ?? 1_000);
// Each Event Hub case stores up to a dozen tasks, and Azurite's in-memory tables slow down as they fill.
const AZURITE_BATCH_RUNS = Number(process.env.RELIABILITY_FUZZ_AZURITE_BATCHES ?? 250);

let storage: TestStorage;
let azuriteDeps: Omit<TaskApiDeps, 'log'>;
let token: string;
const errors: string[] = [];
const log: Log = (level, message, fields) => {
  if (level === 'error') errors.push(`${message} ${JSON.stringify(fields)}`);
};
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason);
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  storage = await startTestStorage();
  azuriteDeps = {
    store: storage.store,
    queue: storage.queue,
    warehouse: snowflakeModule,
    instance: 'fuzz',
    verify: createVerifier({ secret: TEST_SECRET, issuer: 'https://issuer.test', audience: 'policysync' }),
  };
  token = await mintToken({
    secret: TEST_SECRET,
    subject: 'fuzz',
    issuer: 'https://issuer.test',
    audience: 'policysync',
  });
});
beforeEach(() => {
  errors.length = 0;
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await storage?.azurite.stop();
});

function memoryDeps(): TaskApiDeps {
  const m = memoryStorage();
  return {
    store: m.store,
    queue: m.dispatch,
    warehouse: snowflakeModule,
    instance: 'fuzz',
    verify: azuriteDeps.verify,
    log,
  };
}

// ---- generators ------------------------------------------------------------------------------------------

/** Names built to break SQL, JSON paths, Table Storage keys and logs. */
export const hostileName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('SALES', 'PUBLIC', 'ORDERS', 'main', 'orders') },
  fc.constantFrom(
    'x"; DROP TABLE y; --',
    "o'brien",
    'a`b',
    '`; DROP SCHEMA s; --',
    '/* c */',
    '-- c',
    'a;b',
    '"',
    '""',
    '`',
    '\\',
    '\u0000',
    'Ω≈ç√',
    '表',
    '👩‍💻',
    '\u202e',
    '\ud800',
    'a\nb',
    'a\u2028b',
    '\u2029',
    '$$',
    '%00',
    '../..',
    'r00000',
    "' or '1'='1",
    'x'.repeat(255),
    'y'.repeat(1025),
    '__proto__',
    'constructor',
    'hasOwnProperty',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 250, maxLength: 300 }),
);
const resource = fc.record({
  type: fc.oneof(
    fc.constantFrom(
      'table',
      'view',
      'schema',
      'database',
      'column',
      'catalog',
      'TABLE',
      '',
      '__proto__',
      'constructor',
      'toString',
    ),
    fc.string({ maxLength: 70 }),
  ),
  values: fc.dictionary(fc.oneof(fc.constantFrom('database', 'schema', 'table', 'column'), hostileName), hostileName, {
    maxKeys: 5,
  }),
});
const plausibleRequest = fc.record(
  {
    type: fc.oneof({ weight: 8, arbitrary: fc.constant('RESOURCE_SYNC') }, { weight: 1, arbitrary: fc.jsonValue() }),
    requestInfo: fc.oneof(
      { weight: 8, arbitrary: fc.record({ resources: fc.array(resource, { minLength: 0, maxLength: 4 }) }) },
      { weight: 1, arbitrary: fc.jsonValue() },
    ),
    id: hostileName,
    appType: hostileName,
    appSubType: fc.oneof(fc.constantFrom('SNOWFLAKE', 'DATABRICKS_UNITY_CATALOG'), hostileName),
    source: hostileName,
    createTime: fc.oneof(fc.integer(), fc.double(), hostileName),
  },
  { requiredKeys: ['type', 'requestInfo'] },
);
const body = fc.oneof(
  { weight: 6, arbitrary: plausibleRequest.map((r) => JSON.stringify(r)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? '') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '{',
      '[]',
      'null',
      '"x"',
      '{"type":"RESOURCE_SYNC","requestInfo":{"resources":[{}]}}',
      '\uFEFF{}',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{}}}',
      JSON.stringify({
        type: 'RESOURCE_SYNC',
        requestInfo: { resources: Array.from({ length: 1001 }, () => ({ type: 'table', values: {} })) },
      }),
      `[${'['.repeat(5000)}${']'.repeat(5000)}]`,
    ),
  },
);
const headerText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
// Mostly what a real client sends, so that most cases reach validation and the store; the rest hostile.
const rarely = <T>(arb: fc.Arbitrary<T>, weight = 3) =>
  fc.oneof({ weight, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const headers = fc
  .record({
    'content-type': fc.oneof(
      {
        weight: 10,
        arbitrary: fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'application/cloudevents+json',
          'APPLICATION/JSON',
        ),
      },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom('text/plain', 'application/jsonx', ''), headerText) },
    ),
    'content-length': rarely(
      fc.oneof(
        fc.constantFrom('0', '-1', '1048577', '99999999999999999999', 'NaN', '1e9'),
        fc.nat({ max: 2_000_000 }).map(String),
      ),
      8,
    ),
    authorization: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom('VALID', 'Bearer VALID', 'bearer   VALID') },
      { weight: 1, arbitrary: headerText },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'Bearer',
          'Bearer ',
          'Bearer VALID VALID',
          'Basic dXNlcjpwYXNz',
          `Bearer ${'a'.repeat(20_000)}`,
          'Bearer VALIDx',
        ),
      },
    ),
    'idempotency-key': rarely(
      fc.oneof(fc.string({ maxLength: 10 }), fc.string({ minLength: 250, maxLength: 300 }), hostileName),
    ),
    prefer: rarely(
      fc.oneof(fc.constantFrom('wait=0', 'respond-async', 'wait=abc', 'wait=-1', 'return=minimal'), headerText),
    ),
  })
  .map((h) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h))
      if (v !== undefined) out[k] = k === 'authorization' ? v.replace(/VALID/g, token) : v;
    // A positive wait is a legitimate long poll for a task no worker runs here; keep it out of the fuzz.
    if ((preferredWait(out.prefer ?? null) ?? 0) > 0) delete out.prefer;
    return out;
  });
const url = fc.oneof(
  fc.constant('http://localhost/policysync/api/v1/task'),
  fc
    .constantFrom('?dryRun=true', '?dryRun=%ZZ', '?a=1&a=2', '?dryRun=' + 'x'.repeat(3000))
    .map((q) => `http://localhost/policysync/api/v1/task${q}`),
);

/** The contract for every answer of the task API. */
function expectWellFormed(res: ApiResponse, allowed: number[]): void {
  expect(allowed, JSON.stringify(res.jsonBody)).toContain(res.status);
  if (res.status >= 400) expectProblem(res, allowed);
}

// ---- targets ---------------------------------------------------------------------------------------------

describe('hostile input to POST /task (body, headers, query)', () => {
  const run = async (deps: TaskApiDeps, numRuns: number) => {
    const tally: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(body, headers, url, async (b, h, u) => {
        const res = await postTask(apiRequest('POST', u, h, b), deps);
        tally[res.status] = (tally[res.status] ?? 0) + 1;
        // 422: a generated Idempotency-Key that an earlier case already used with another body.
        expectWellFormed(res, [200, 202, 400, 401, 413, 415, 422]);
        if (res.status === 202) expect(res.headers?.Location).toMatch(/^\/policysync\/api\/v1\/tasks\/\d+$/);
      }),
      { numRuns, endOnFailure: numRuns !== CHEAP_RUNS, ...replay },
    );
    return tally;
  };

  it(`answers ${CHEAP_RUNS} generated requests with 2xx/400/401/413/415/422 only, errors as problem+json (real store over in-memory tables)`, async () => {
    const tally = await run(memoryDeps(), CHEAP_RUNS);
    console.log(`POST fuzz (in-memory tables), ${CHEAP_RUNS} cases: ${JSON.stringify(tally)}`);
    expect(errors).toEqual([]);
    expect(unhandled).toEqual([]);
  }, 120_000);

  it(`answers ${AZURITE_RUNS} generated requests the same way with the store on Azurite`, async () => {
    const tally = await run({ ...azuriteDeps, log }, AZURITE_RUNS);
    console.log(`POST fuzz (Azurite), ${AZURITE_RUNS} cases: ${JSON.stringify(tally)}`);
    expect(errors).toEqual([]);
    expect(unhandled).toEqual([]);
  }, 120_000);

  it('enforces the size limits: over 1 MiB -> 413 (declared or actual), over 1000 resources -> 400', async () => {
    const deps = memoryDeps();
    const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const big = JSON.stringify({
      type: 'RESOURCE_SYNC',
      requestInfo: { resources: [{ type: 'table', values: { table: 'x'.repeat(1024 * 1024) } }] },
    });
    expectProblem(await postTask(apiRequest('POST', 'http://l/task', h, big), deps), [413]);
    expectProblem(
      await postTask(
        apiRequest('POST', 'http://l/task', { ...h, 'content-length': String(2 * 1024 * 1024) }, '{}'),
        deps,
      ),
      [413],
    );
    const many = JSON.stringify({
      type: 'RESOURCE_SYNC',
      requestInfo: {
        resources: Array.from({ length: 1001 }, () => ({
          type: 'table',
          values: { database: 'A', schema: 'B', table: 'C' },
        })),
      },
    });
    const res = await postTask(apiRequest('POST', 'http://l/task', h, many), deps);
    expectProblem(res, [400]);
    expect(JSON.stringify(res.jsonBody)).toContain('$.requestInfo.resources');
  });
});

describe('hostile task ids on GET /tasks/{taskId}', () => {
  const taskId = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.stringMatching(/^[0-9]{1,40}$/),
    hostileName,
    fc.constantFrom("1' or PartitionKey ne '", '..', '%2e%2e', '0', '-1', '1e5', '18446744073709551616', ' 1', '1\n'),
  );
  const run = async (deps: TaskApiDeps, numRuns: number) => {
    await fc.assert(
      fc.asyncProperty(taskId, fc.boolean(), async (id, authed) => {
        const res = await getTask(
          apiRequest(
            'GET',
            `http://localhost/policysync/api/v1/tasks/x`,
            authed ? { authorization: `Bearer ${token}` } : {},
            '',
            { taskId: id },
          ),
          deps,
        );
        expectWellFormed(res, authed ? [200, 404] : [401]);
      }),
      { numRuns },
    );
  };
  it(`answers ${CHEAP_RUNS} hostile ids with 404 (or 401 without a token), never a 5xx`, async () => {
    await run(memoryDeps(), CHEAP_RUNS);
    expect(errors).toEqual([]);
  }, 60_000);
  it(`answers ${AZURITE_RUNS} hostile ids the same way with the store on Azurite`, async () => {
    await run({ ...azuriteDeps, log }, AZURITE_RUNS);
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('hostile Event Hub bodies through ingestEventBatch', () => {
  const envelope = (data: unknown) =>
    fc.constantFrom(
      {
        id: 'e1',
        eventType: 'policysync.resourceSync',
        subject: 's',
        eventTime: '2026-01-01T00:00:00Z',
        dataVersion: '1',
        data,
      },
      { specversion: '1.0', id: 'c1', source: '/s', type: 'policysync.resourceSync', data },
      {
        records: [
          {
            category: 'unityCatalog',
            operationName: 'createTable',
            properties: { requestParams: { full_name_arg: data } },
          },
        ],
      },
    );
  const eventBody = fc.oneof(
    { weight: 3, arbitrary: plausibleRequest },
    { weight: 2, arbitrary: plausibleRequest.chain(envelope) },
    { weight: 1, arbitrary: hostileName.chain(envelope) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) },
    { weight: 1, arbitrary: fc.array(plausibleRequest, { maxLength: 3 }) },
  );
  const batch = fc
    .array(fc.record({ body: eventBody, eventId: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }) }), {
      minLength: 1,
      maxLength: 4,
    })
    .map((events) =>
      events.map((e): { body: unknown; eventId?: string } =>
        e.eventId === undefined ? { body: e.body } : { body: e.body, eventId: e.eventId },
      ),
    );

  /** Every event of every batch ends as a stored task, a counted duplicate or an event for another connector. */
  const run = async (deps: Omit<TaskApiDeps, 'verify' | 'log'>, numRuns: number) => {
    let items = 0;
    await fc.assert(
      fc.asyncProperty(batch, async (events) => {
        const expected = events.reduce(
          (n, e) => n + ingestMessage(e.body, e.eventId ? { eventId: e.eventId } : {}).items.length,
          0,
        );
        const before = errors.length;
        const summary = await ingestEventBatch(events, { ...deps, log });
        items += expected;
        expect(summary.failed, errors.slice(before).join('\n')).toBe(0);
        expect(summary.storedWithoutContent, errors.slice(before).join('\n')).toBe(0);
        expect(summary.created + summary.duplicates + summary.skipped + summary.ignoredOtherConnector).toBe(expected);
      }),
      { numRuns, endOnFailure: numRuns !== CHEAP_RUNS, ...replay },
    );
    return items;
  };
  it(`stores every one of ${CHEAP_RUNS} hostile batches' events as a task or a counted duplicate, never throwing`, async () => {
    const m = memoryStorage();
    const items = await run(
      { store: m.store, queue: m.dispatch, warehouse: snowflakeModule, instance: 'fuzz' },
      CHEAP_RUNS,
    );
    // Every stored task is WAITING (dispatched) or SKIPPED with its reason.
    for (const { entity } of m.table.rows.values()) {
      if (entity.resourceCount === undefined) continue; // headers only
      expect(['WAITING', 'SKIPPED']).toContain(entity.status);
      if (entity.status === 'SKIPPED') expect(String(entity.message).length).toBeGreaterThan(0);
    }
    console.log(`Event Hub fuzz (in-memory tables): ${CHEAP_RUNS} batches, ${items} events read`);
    expect(errors.filter((e) => e.startsWith('event could not be stored'))).toEqual([]);
    expect(unhandled).toEqual([]);
  }, 180_000);
  it(`does the same for ${AZURITE_BATCH_RUNS} batches with the store on Azurite`, async () => {
    const items = await run(
      { store: azuriteDeps.store, queue: azuriteDeps.queue, warehouse: snowflakeModule, instance: 'fuzz' },
      AZURITE_BATCH_RUNS,
    );
    console.log(`Event Hub fuzz (Azurite): ${AZURITE_BATCH_RUNS} batches, ${items} events read`);
    expect(errors).toEqual([]);
    expect(unhandled).toEqual([]);
  }, 180_000);
});

describe('hostile policy files through parsePolicies', () => {
  const policy = fc.record(
    {
      id: fc.oneof(fc.integer(), hostileName),
      name: hostileName,
      isEnabled: fc.oneof(fc.boolean(), fc.constant(null)),
      policyType: fc.oneof(fc.constantFrom(0, 1, 2), fc.integer()),
      policyPriority: fc.oneof(fc.constantFrom(0, 1), fc.integer()),
      isDenyAllElse: fc.boolean(),
      resources: fc.dictionary(
        fc.oneof(fc.constantFrom('database', 'schema', 'table', 'column'), hostileName),
        fc.record({
          values: fc.array(
            fc.oneof(fc.constantFrom('*', 'SALES', '?', '*_*', '{USER}', '${{USER.dept}}'), hostileName),
            { maxLength: 3 },
          ),
          isExcludes: fc.boolean(),
          isRecursive: fc.boolean(),
        }),
        { maxKeys: 4 },
      ),
      policyItems: fc.array(
        fc.record({
          accesses: fc.array(
            fc.record({
              type: fc.oneof(fc.constantFrom('select', 'insert', 'all', ''), hostileName),
              isAllowed: fc.boolean(),
            }),
            { maxLength: 3 },
          ),
          users: fc.array(hostileName, { maxLength: 2 }),
          groups: fc.array(hostileName, { maxLength: 2 }),
          roles: fc.array(hostileName, { maxLength: 2 }),
          conditions: fc.array(fc.record({ type: hostileName, values: fc.array(hostileName, { maxLength: 2 }) }), {
            maxLength: 1,
          }),
        }),
        { maxLength: 2 },
      ),
      validitySchedules: fc.array(
        fc.record({
          startTime: fc.oneof(hostileName, fc.integer()),
          endTime: fc.oneof(hostileName, fc.integer()),
          timeZone: hostileName,
        }),
        { maxLength: 1 },
      ),
    },
    { requiredKeys: [] },
  );
  const document = fc.oneof(
    { weight: 4, arbitrary: fc.array(policy, { maxLength: 3 }) },
    {
      weight: 3,
      arbitrary: fc.record(
        {
          serviceName: hostileName,
          policyVersion: fc.oneof(fc.integer(), hostileName),
          policies: fc.array(policy, { maxLength: 3 }),
        },
        { requiredKeys: ['policies'] },
      ),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 5 }) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'binary', maxLength: 100 }).map((s) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          return s;
        }
      }),
    },
  );
  it(`reads ${CHEAP_RUNS} hostile policy documents into a snapshot the evaluator can use, or refuses them with PolicyError INVALID_POLICIES`, () => {
    const tally = { parsed: 0, refused: 0 };
    const now = new Date('2026-06-01T00:00:00Z');
    fc.assert(
      fc.property(document, (doc) => {
        let snapshot;
        try {
          snapshot = parsePolicies(doc);
        } catch (err) {
          expect(err).toBeInstanceOf(PolicyError);
          expect((err as PolicyError).code).toBe('INVALID_POLICIES');
          expect((err as PolicyError).message.length).toBeLessThan(20_000);
          tally.refused++;
          return;
        }
        tally.parsed++;
        for (const r of [
          { database: 'SALES' },
          { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' },
          { database: 'x"; --', schema: '`', table: '表' },
        ]) {
          resourceAcl(snapshot, snowflakeServiceDef, r, { now, schedules: 'at-now' });
        }
      }),
      { numRuns: CHEAP_RUNS },
    );
    console.log(`policy fuzz, ${CHEAP_RUNS} documents: ${JSON.stringify(tally)}`);
    expect(tally.parsed).toBeGreaterThan(CHEAP_RUNS / 10);
  }, 120_000);
});
