import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_PAGE, UnitStore } from '../../shared/store/unit-store.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';
import { newHeader } from '../support/task-header.js';
import { schemaUnits } from '../support/unit-rows.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await startTestStorage();
});
afterAll(async () => {
  await storage.azurite.stop();
});

/** The units' table through the real SDK, with every query's `$top` written down as it goes out. */
function watchedUnits(): { units: UnitStore; tops: (string | null)[] } {
  const tops: (string | null)[] = [];
  const table = TableClient.fromConnectionString(storage.azurite.connectionString, storage.store.table.tableName, {
    allowInsecureConnection: true,
    additionalPolicies: [
      {
        position: 'perCall',
        policy: {
          name: 'watch-queries',
          sendRequest: (request, next) => {
            if (request.method === 'GET') tops.push(new URL(request.url).searchParams.get('$top'));
            return next(request);
          },
        },
      },
    ],
  });
  return { units: new UnitStore(table), tops };
}

describe('reading the units of a large fanned-out task', () => {
  // The top work folds every unit's result into one; each unit may hold a result of up to 32K characters, so a
  // catalog of thousands of schemas read in one list is tens of megabytes in the worker at once.
  it('reads them a page of at most UNITS_PER_PAGE at a time, the next page only once the last is used', async () => {
    const count = 2 * UNITS_PER_PAGE + 50;
    const at = new Date();
    const header = newHeader(at, { status: 'INPROGRESS', resourceCount: 1 });
    const task = await storage.store.create(header, []);
    const rows = schemaUnits(count, at, {
      status: 'SUCCESS',
      attempt: 1,
      message: 'done',
      result: { granted: [], revoked: [], unchanged: 0, warnings: ['x'.repeat(20_000)], statements: [], plan: [] },
    });
    const written = await new UnitStore(storage.store.table).fanOut(
      task,
      { ...header, unitsTotal: count, unitsDone: 0, unitsFailed: 0 },
      rows,
    );
    expect(written).toBeDefined();

    const { units, tops } = watchedUnits();
    const read: string[] = [];
    for await (const { unit } of units.each(header.taskId)) {
      if (read.length === 0) expect(tops).toEqual([String(UNITS_PER_PAGE)]);
      read.push(unit.key);
    }
    expect(read).toEqual(rows.map((r) => r.key));
    expect(tops).toEqual([String(UNITS_PER_PAGE), String(UNITS_PER_PAGE), String(UNITS_PER_PAGE)]);
  });
});
