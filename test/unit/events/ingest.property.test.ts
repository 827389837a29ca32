import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IngestResult, ingestMessage } from '../../../shared/events/ingest.js';
import { unityCatalogNameProblem } from '../../../shared/task/identifier.js';
import { SyncRequestSchema } from '../../../shared/task/request.js';

const RUNS = 1500;

/** What every result must satisfy, whatever went in. */
function assertWellFormed(result: IngestResult): void {
  expect(Array.isArray(result.items)).toBe(true);
  for (const item of result.items) {
    expect(typeof item.dedupeKey).toBe('string');
    expect(item.dedupeKey.length).toBeGreaterThan(0);
    expect((item.request === undefined) !== (item.invalid === undefined)).toBe(true);
    if (item.request) expect(SyncRequestSchema.safeParse(item.request).success).toBe(true);
    if (item.invalid !== undefined) expect(item.invalid.length).toBeLessThan(4000);
  }
  for (const count of Object.values(result.dropped)) expect(Number.isInteger(count) && count > 0).toBe(true);
}

// Mostly plausible values, so that the kept path is exercised, with rule-breaking names and arbitrary text mixed in.
const namePart = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('main', 'sales', 'orders', 'Sales', 'hr', 'cat-a-log') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 'a.b', 'a b', 'a/b', 'x\u0000', 'y\u007f', 'z\u0085', '\ud800', 'x'.repeat(256)),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);
const action = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      'createTable',
      'updateTables',
      'deleteTable',
      'createSchema',
      'updateSchema',
      'createCatalog',
      'updateCatalog',
      'updatePermissions',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'getTable',
      'listTables',
      'generateTemporaryTableCredential',
      'deleteSchema',
      'createVolume',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const params = fc.record(
  {
    full_name_arg: fc.array(namePart, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')),
    name_arg: namePart,
    name: namePart,
    catalog_name: namePart,
    schema_name: namePart,
    table_name: namePart,
    new_name: namePart,
    securable_type: fc.constantFrom('table', 'SCHEMA', 'catalog', 'view', 'volume', 'external_location'),
    securable_full_name: fc.array(namePart, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')),
  },
  { requiredKeys: [] },
);
const embedded = <T>(value: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 6, arbitrary: value.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: value },
    { weight: 1, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: fc.string() },
  );
const record = fc.record(
  {
    time: fc.oneof(fc.constant('2026-11-27T09:00:00Z'), fc.string()),
    category: fc.constantFrom('unityCatalog', 'unityCatalog', 'UnityCatalog', 'clusters', ''),
    operationName: fc.string(),
    identity: fc.string(),
    properties: fc.record(
      {
        logId: fc.oneof(fc.constantFrom('a', 'b', 'c', 'd'), fc.uuid(), fc.string()),
        actionName: action,
        requestParams: embedded(params),
        response: embedded(
          fc.record({ statusCode: fc.oneof(fc.constantFrom(200, 200, '200', 403, 404), fc.jsonValue()) }),
        ),
      },
      { requiredKeys: ['logId', 'actionName', 'requestParams', 'response'] },
    ),
  },
  { requiredKeys: ['category', 'properties'] },
);
const diagnostics = fc.array(fc.oneof({ weight: 8, arbitrary: record }, { weight: 1, arbitrary: fc.jsonValue() }), {
  maxLength: 30,
});

const v2 = fc.record({
  type: fc.constantFrom('RESOURCE_SYNC', 'OTHER'),
  requestInfo: fc.record({
    resources: fc.array(fc.record({ type: fc.string(), values: fc.dictionary(fc.string(), fc.string()) }), {
      maxLength: 3,
    }),
  }),
});
const data = fc.oneof(
  v2,
  v2.map((v) => JSON.stringify(v)),
  fc.jsonValue(),
  fc.string(),
);
const eventGrid = fc.record(
  {
    id: fc.string(),
    subject: fc.string(),
    eventType: fc.string(),
    eventTime: fc.string(),
    data,
    dataVersion: fc.string(),
  },
  { requiredKeys: ['id', 'eventType'] },
);
const cloudEvent = fc.record(
  {
    specversion: fc.constantFrom('1.0', '0.3', 1),
    id: fc.string(),
    source: fc.string(),
    type: fc.string(),
    data,
    data_base64: fc.base64String(),
  },
  { requiredKeys: ['specversion'] },
);
const message = fc.oneof(
  diagnostics.map((records) => ({ records })),
  eventGrid,
  cloudEvent,
  v2,
  fc.array(fc.oneof(eventGrid, cloudEvent, v2, fc.jsonValue()), { maxLength: 5 }),
);
const eventId = fc.option(fc.string({ minLength: 1 }), { nil: undefined });

describe('ingestMessage, for any input', () => {
  it('never throws on arbitrary JSON values and returns a well-formed result', () => {
    fc.assert(
      fc.property(fc.jsonValue(), eventId, (body, id) => assertWellFormed(ingestMessage(body, { eventId: id }))),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary strings and bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.uint8Array().map((bytes) => Buffer.from(bytes)),
        ),
        eventId,
        (body, id) => assertWellFormed(ingestMessage(body, { eventId: id })),
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws on values JSON cannot hold', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withDate: true,
          withTypedArray: true,
          withSparseArray: true,
        }),
        (body) => assertWellFormed(ingestMessage(body, {})),
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws on messages shaped like the ones it knows, and reads them alike as text or parsed', () => {
    fc.assert(
      fc.property(message, fc.string({ minLength: 1 }), (body, id) => {
        const parsed = ingestMessage(body, { eventId: id });
        assertWellFormed(parsed);
        expect(ingestMessage(JSON.stringify(body), { eventId: id })).toEqual(parsed);
      }),
      { numRuns: RUNS },
    );
  });

  it('accounts for every diagnostic record: dropped, or folded into a resource with valid Unity Catalog names', () => {
    let batchesWithRequests = 0;
    fc.assert(
      fc.property(diagnostics, (records) => {
        const { items, dropped } = ingestMessage({ records }, {});
        if (items.length > 0) batchesWithRequests += 1;
        const droppedCount = Object.values(dropped).reduce((sum, n) => sum + n, 0);
        const kept = records.length - droppedCount;
        const resources = items.flatMap((item) =>
          item.request?.type === 'RESOURCE_SYNC' ? item.request.requestInfo.resources : [],
        );
        expect(kept).toBeGreaterThanOrEqual(resources.length);
        expect(items.length > 0).toBe(kept > 0);
        for (const resource of resources) {
          expect(['catalog', 'schema', 'table']).toContain(resource.type);
          for (const part of Object.values(resource.values)) {
            expect(unityCatalogNameProblem(part)).toBeUndefined();
            expect(part).toBe(part.toLowerCase());
          }
        }
        const keys = resources.map((r) => `${r.type}:${JSON.stringify(r.values)}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: RUNS },
    );
    // Guards against a vacuous property: the generator must reach the kept path, not only the drops.
    expect(batchesWithRequests).toBeGreaterThan(RUNS / 20);
  });
});
