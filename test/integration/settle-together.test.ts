import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshStorage } from '../../dev/fresh-storage.js';
import type { StoredTask, TaskStore } from '../../shared/store/task-store.js';
import { type StoredUnit, UnitStore, unitKey } from '../../shared/store/unit-store.js';
import { type Settled, settleTogether } from '../../shared/sync/settle-together.js';
import { type ProxiedAzurite, startProxiedAzurite } from '../support/proxied-azurite.js';
import { newHeader } from '../support/task-header.js';
import { schemaUnits } from '../support/unit-rows.js';

// Units of one task settling at the same moment in one process, on real Azurite, requests counted at a proxy.
let proxied: ProxiedAzurite;
let store: TaskStore;
let units: UnitStore;
beforeAll(async () => {
  proxied = await startProxiedAzurite();
  const counted = await freshStorage('settle', {
    connectionString: proxied.connectionString,
    stop: async () => undefined,
  });
  store = counted.store;
  units = new UnitStore(store.table);
});
afterAll(async () => {
  await proxied?.stop();
});

/** A task fanned out into `count` units, each claimed by an attempt (INPROGRESS, leased). */
async function fannedOut(count: number): Promise<{ task: StoredTask; held: StoredUnit[] }> {
  const at = new Date();
  const header = newHeader(at, { status: 'INPROGRESS', resourceCount: 1, attempt: 1 });
  const created = await store.create(header, []);
  const rows = schemaUnits(count, at);
  const task = await units.fanOut(created, { ...header, unitsTotal: count, unitsDone: 0, unitsFailed: 0 }, rows);
  const held = await Promise.all(
    rows.map(async (r) => {
      const stored = (await units.get(header.taskId, r.key))!;
      const lease = new Date(Date.now() + 60_000).toISOString();
      return (await units.replace(header.taskId, stored, {
        ...r,
        status: 'INPROGRESS',
        attempt: 1,
        leaseUntil: lease,
      }))!;
    }),
  );
  return { task: task!, held };
}

const deps = () => ({ store, units, leaseSeconds: 300, clock: () => new Date() });

describe('units settling together', () => {
  it('settles 64 units finishing at once in a few transactions, counts each once, and tells exactly one it was the last', async () => {
    const { task, held } = await fannedOut(64);
    const before = proxied.table.requests();
    const outcomes = await Promise.all(
      held.map((h, n) =>
        settleTogether(task.header.taskId, h, { status: n % 8 === 0 ? 'FAILED' : 'SUCCESS', message: 'done' }, deps()),
      ),
    );
    const requests = proxied.table.requests() - before;
    // Two transactions of 32 units, each after one read of the header; one at a time per unit made 128 or more.
    expect(requests).toBeLessThanOrEqual(4);
    expect(outcomes.filter((o) => typeof o === 'object' && o.completes)).toHaveLength(1);
    const header = (await store.get(task.header.taskId))!.header;
    expect(header).toMatchObject({ unitsTotal: 64, unitsDone: 64, unitsFailed: 8 });
    const rows = await units.list(task.header.taskId);
    expect(rows.filter((u) => u.unit.status === 'SUCCESS')).toHaveLength(56);
    expect(rows.every((u) => u.unit.leaseUntil === undefined)).toBe(true);
  });

  it('writes nothing for a unit taken over while it waited, and settles the others of its transaction', async () => {
    const { task, held } = await fannedOut(6);
    // Another attempt takes unit 2 over: the held row's ETag is stale.
    const [, , taken] = held;
    await units.replace(task.header.taskId, taken!, { ...taken!.unit, attempt: 2 });
    const outcomes: Settled[] = await Promise.all(
      held.map((h) => settleTogether(task.header.taskId, h, { status: 'SUCCESS', message: 'done' }, deps())),
    );
    expect(outcomes[2]).toBe('unit_lost');
    expect(outcomes.filter((o) => typeof o === 'object')).toHaveLength(5);
    expect(outcomes.some((o) => typeof o === 'object' && o.completes)).toBe(false);
    const header = (await store.get(task.header.taskId))!.header;
    expect(header).toMatchObject({ unitsTotal: 6, unitsDone: 5 });
    expect((await units.get(task.header.taskId, unitKey(0, 2)))!.unit).toMatchObject({
      status: 'INPROGRESS',
      attempt: 2,
    });
  });

  it('settles a batch whose header another writer moved meanwhile by reading it again, losing no count', async () => {
    const { task, held } = await fannedOut(10);
    const [first, ...rest] = held;
    // Two processes: each its own unit store, so neither joins the other's transaction.
    const other = { ...deps(), units: new UnitStore(store.table) };
    const outcomes = await Promise.all([
      settleTogether(task.header.taskId, first!, { status: 'SUCCESS', message: 'done' }, other),
      ...rest.map((h) => settleTogether(task.header.taskId, h, { status: 'SUCCESS', message: 'done' }, deps())),
    ]);
    expect(outcomes.filter((o) => typeof o === 'object' && o.completes)).toHaveLength(1);
    expect((await store.get(task.header.taskId))!.header).toMatchObject({ unitsDone: 10 });
  });
});
