import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { tableClient } from '../../shared/store/clients.js';
import { MAX_KEY_CHARS } from '../../shared/store/name-key.js';
import { ResourceStateStore } from '../../shared/store/resource-state.js';
import { enterResource } from '../../shared/sync/coalesce.js';
import { hostileName } from '../support/hostile-names.js';

let azurite: AzuriteHandle;
let table: TableClient;
let states: ResourceStateStore;
beforeAll(async () => {
  azurite = await startAzurite();
  table = tableClient({ connectionString: azurite.connectionString }, `states${randomBytes(4).toString('hex')}`);
  states = new ResourceStateStore(table);
  await states.init();
});
afterAll(async () => {
  await azurite.stop();
});

const LEASE_SECONDS = 60;
const long = (c: string) => c.repeat(255);
/** Database, schema, table and column named with 255 characters each. */
const FIXED: string[][] = [
  [long('表'), long('ا'), long('😀'), long('é')],
  [long('/'), long('#'), long('?'), long('\\')],
  [long('\u0001'), long('\u0085'), long('a\u0301'), long('\u202e')],
  [long('A'), long('A'), long('A'), long('A')],
  [long('\ud800'), long('\udfff'), long('𐐀'), long('\ufffe')],
];
const SAMPLED: string[][] = fc.sample(fc.array(hostileName, { minLength: 4, maxLength: 4 }), { numRuns: 20, seed: 14 });

/** A sync of `path` for a task created now, so that no earlier sync (of it or of an ancestor) covers it. */
async function syncOnce(path: string[], owner: string) {
  const now = new Date();
  const gate = await enterResource(states, path, owner, now, 'v1', LEASE_SECONDS, now);
  expect(gate.kind).toBe('held');
  if (gate.kind === 'held') await states.release(gate.held, { startedAt: gate.startedAt, policyVersion: 'v1' });
}

describe('resource state on Azurite, for names of any length and script', () => {
  it('leases, records and finds again every level of resources named with 255 characters in any script', async () => {
    for (const path of [...FIXED, ...SAMPLED]) {
      for (let depth = 1; depth <= path.length; depth++) await syncOnce(path.slice(0, depth), `task-${depth}`);
      // A task created before that sync is covered by it: the row is found again by its key.
      const gate = await enterResource(
        states,
        path,
        'later',
        new Date(Date.now() - 60_000),
        'v1',
        LEASE_SECONDS,
        new Date(),
      );
      expect(gate.kind, JSON.stringify(path).slice(0, 80)).toBe('covered');
    }
  });

  it("stores every key within Table Storage's limits, one row per distinct resource", async () => {
    const paths = new Set([...FIXED, ...SAMPLED].flatMap((p) => p.map((_, i) => JSON.stringify(p.slice(0, i + 1)))));
    const keys: string[] = [];
    for await (const e of table.listEntities()) keys.push(e.rowKey!);
    expect(keys).toHaveLength(paths.size);
    for (const key of keys) {
      expect(key.length).toBeLessThanOrEqual(MAX_KEY_CHARS);
      expect(key).toMatch(/^[\x20-\x7e]+$/);
      expect(key).not.toMatch(/[/\\#?]/);
    }
  });

  it('keeps a schema and its database from syncing while a table in it is leased, whatever the names', async () => {
    const [db, schema, tbl] = [long('ש'), long('/'), long('😀')];
    const now = new Date();
    const created = new Date(now.getTime() + 1000); // after every earlier sync: nothing is covered
    const held = await enterResource(states, [db, schema, tbl], 'table-task', created, 'v2', LEASE_SECONDS, now);
    expect(held.kind).toBe('held');
    expect((await enterResource(states, [db, schema], 'schema-task', created, 'v2', LEASE_SECONDS, now)).kind).toBe(
      'busy',
    );
    expect((await enterResource(states, [db], 'database-task', created, 'v2', LEASE_SECONDS, now)).kind).toBe('busy');
    expect((await enterResource(states, [db, long('x')], 'other-schema', created, 'v2', LEASE_SECONDS, now)).kind).toBe(
      'held',
    );
    if (held.kind === 'held') await states.release(held.held);
    expect((await enterResource(states, [db, schema], 'schema-task', created, 'v2', LEASE_SECONDS, now)).kind).toBe(
      'held',
    );
  });
});
