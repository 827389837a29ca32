import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databricksModule } from '../../shared/connectors/databricks/module.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import type { WarehouseModule } from '../../shared/connectors/warehouse-module.js';
import { taskView } from '../../shared/http/task-view.js';
import { createTask } from '../../shared/intake/create-task.js';
import { nameKey } from '../../shared/store/name-key.js';
import { UnitStore } from '../../shared/store/unit-store.js';
import { runDelivery, runTask, type WorkerDeps } from '../../shared/sync/worker.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { type DatabricksRig, startDatabricksRig } from '../support/databricks-sync.js';
import { drain, type Received, receive } from '../support/queue-drain.js';
import { type SnowflakeRig, startSnowflakeRig } from '../support/snowflake-sync.js';
import type { TestStorage } from '../support/storage.js';

const TABLES = 1200;
const MAX = 500;
const dir = mkdtempSync(join(tmpdir(), 'slices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A schema's 1,200 table names in code point order (the warehouses' own): the names at positions 500 and 1000 — the
 * slices' bounds — hold a quote, a space, a backtick and a dot.
 */
function bigSchemaNames(oddAt500: string, oddAt1000: string, fold: (s: string) => string): string[] {
  return Array.from({ length: TABLES }, (_, i) =>
    i === 500 ? oddAt500 : i === 1000 ? oddAt1000 : fold(`T${String(i).padStart(4, '0')}`),
  );
}

/** One policy: SELECT on every table of every schema of `top` for `who`. */
function policyFile(name: string, levels: Record<string, string>, who: Record<string, string[]>): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      serviceName: 'slices',
      policyVersion: 1,
      policies: [
        {
          id: 1,
          name: 'analysts read everything',
          isEnabled: true,
          policyType: 0,
          resources: Object.fromEntries(Object.entries(levels).map(([k, v]) => [k, { values: [v] }])),
          policyItems: [{ accesses: [{ type: 'select', isAllowed: true }], ...who }],
        },
      ],
    }),
  );
  return file;
}

interface EmulatorControl {
  statements(): { sql: string }[];
  reset(): void;
}

interface Rig {
  storage: TestStorage;
  deps: WorkerDeps;
  statements(): string[];
  reset(): void;
}

/** A warehouse rig that fans out through its queue, coalesces, and cuts schemas at MAX tables. */
function sliced<R extends Omit<Rig, 'statements' | 'reset'> & { emulator: { control: EmulatorControl } }>(
  base: R,
): R & Rig {
  base.deps.queue = base.storage.queue;
  base.deps.coalescing = { states: base.storage.states, queue: base.storage.queue };
  base.deps.unitMaxTables = MAX;
  return Object.assign(base, {
    statements: () => base.emulator.control.statements().map((s) => s.sql),
    reset: () => base.emulator.control.reset(),
  });
}

async function submit(rig: Rig, warehouse: WarehouseModule, resources: ResourceRef[]) {
  const { task } = await createTask(
    { store: rig.storage.store, queue: rig.storage.queue, warehouse, instance: 't' },
    { request: { type: 'RESOURCE_SYNC', requestInfo: { resources } } },
    { source: 'API' },
  );
  return task.header.taskId;
}

/** Fans the task out (its own message), hands the units to `between`, then runs every unit on 4 workers. */
async function fanOutThenRun(rig: Rig, warehouse: WarehouseModule, top: ResourceRef, between: () => void) {
  const taskId = await submit(rig, warehouse, [top]);
  const [parent] = await receive(rig.storage, 1);
  expect(await runDelivery(parent!.message, rig.deps)).toBe('fanned_out');
  await parent!.remove();
  const units = (await new UnitStore(rig.storage.store.table).list(taskId)).map((u) => u.unit);
  between();
  await drain(rig.storage, 4, rig.deps);
  return { taskId, units, header: (await rig.storage.store.get(taskId))!.header };
}

const writes = (statements: string[]) => statements.filter((s) => /^\s*(GRANT|REVOKE)\b/i.test(s));
const once = (statements: string[], exact: string) => statements.filter((s) => s.trim() === exact).length;

describe('a Snowflake schema of 1,200 tables with UNIT_MAX_TABLES=500', () => {
  const odd1 = 'T0500 "q\'s';
  const odd2 = 'T1000.x`y';
  const names = bigSchemaNames(odd1, odd2, (s) => s);
  let rig: SnowflakeRig & Rig;
  beforeAll(async () => {
    const base = await startSnowflakeRig(
      {
        databases: [
          {
            name: 'SLICED',
            schemas: [
              { name: 'BIG', tables: names.map((name) => ({ name, kind: 'TABLE', columns: [{ name: 'ID' }] })) },
              { name: 'SMALL', tables: [{ name: 'ONE', kind: 'TABLE', columns: [{ name: 'ID' }] }] },
            ],
          },
        ],
        roles: [{ name: 'ANALYST' }, { name: 'STRAY' }],
        // Drift on the schema itself: its own sync revokes it, once.
        grants: [{ privilege: 'USAGE', on: { type: 'SCHEMA', name: 'SLICED.BIG' }, to: 'STRAY' }],
      },
      policyFile(
        'snowflake.json',
        { database: 'SLICED', schema: '*', table: '*', column: '*' },
        { roles: ['analyst'] },
      ),
    );
    rig = sliced(base);
  }, 60_000);
  afterAll(() => rig?.stop());

  it('becomes 3 slices cut at quoted bounds, syncs every table once, the schema and the database once', async () => {
    rig.reset();
    const added = ['A_BEFORE_ALL', 'T0750_ADDED', 'Z_AFTER_ALL'];
    const database: ResourceRef = { type: 'database', values: { database: 'SLICED' } };
    const { units, header } = await fanOutThenRun(rig, snowflakeModule, database, () => {
      const schema = rig.emulator.account.schema('SLICED', 'BIG')!;
      for (const name of added)
        rig.emulator.account.addTable(schema, { name, kind: 'TABLE', columns: [], comment: null, text: null });
    });

    expect(units.map((u) => [u.ref.values.schema, u.tables ?? null])).toEqual([
      ['"BIG"', { below: odd1 }],
      ['"BIG"', { from: odd1, below: odd2 }],
      ['"BIG"', { from: odd2 }],
      ['"SMALL"', null],
    ]);
    expect(header).toMatchObject({ status: 'SUCCESS', unitsTotal: 4, unitsDone: 4, unitsFailed: 0 });
    expect(taskView(header).units).toEqual({ total: 4, done: 4, failed: 0 });

    const log = rig.statements();
    // The bounds reached the warehouse as bindings, never as SQL text.
    expect(log.filter((s) => s.includes('TABLE_NAME >= ?') && s.includes('TABLE_NAME < ?')).length).toBeGreaterThan(0);
    expect(log.filter((s) => /^SELECT/i.test(s.trim()) && (s.includes(odd1) || s.includes(odd2)))).toEqual([]);
    // Every table once, the ones added after the listing included; no write twice.
    const grants = writes(log).filter((s) => s.startsWith('GRANT SELECT ON TABLE "SLICED"."BIG".'));
    expect(grants).toHaveLength(TABLES + added.length);
    expect(new Set(writes(log)).size).toBe(writes(log).length);
    for (const name of [...added, odd1, odd2])
      expect(grants).toContain(
        `GRANT SELECT ON TABLE "SLICED"."BIG"."${name.replaceAll('"', '""')}" TO ROLE "ANALYST"`,
      );
    expect(once(log, 'GRANT USAGE ON SCHEMA "SLICED"."BIG" TO ROLE "ANALYST"')).toBe(1);
    expect(once(log, 'REVOKE USAGE ON SCHEMA "SLICED"."BIG" FROM ROLE "STRAY"')).toBe(1);
    expect(once(log, 'GRANT USAGE ON DATABASE "SLICED" TO ROLE "ANALYST"')).toBe(1);

    // Synced again, nothing is left to change: the schema's own sync kept the USAGE every slice needs.
    rig.reset();
    const again = await fanOutThenRun(rig, snowflakeModule, database, () => undefined);
    expect(again.header.status).toBe('SUCCESS');
    expect(writes(rig.statements())).toEqual([]);
  }, 120_000);

  it('runs a table task in a running slice’s range after it, and a slice after a running table task in its range', async () => {
    rig.emulator.control.setLatency(300);
    try {
      const table = (t: string): ResourceRef => ({
        type: 'table',
        values: { database: 'SLICED', schema: 'BIG', table: t },
      });
      const database: ResourceRef = { type: 'database', values: { database: 'SLICED' } };
      const taskId = await submit(rig, snowflakeModule, [database]);
      const [parent] = await receive(rig.storage, 1);
      expect(await runDelivery(parent!.message, rig.deps)).toBe('fanned_out');
      await parent!.remove();
      const all: Received[] = [];
      while (all.length < 4) all.push(...(await receive(rig.storage, 32)));
      const unit = (n: string) => all.find((m) => m.message.unit === `u00000-${n}`)!.message;
      const schemaKey = nameKey(['SLICED', 'BIG']);
      const leased = async (key: string) => (await rig.storage.states.leasedBelow(key, new Date())).map((r) => r.key);

      // Slice 2 ([T0500…, T1000…)) runs: a table task inside it waits, one in slice 1 does not.
      const slice = runDelivery(unit('00001'), rig.deps);
      await until(async () => (await leased(schemaKey)).length > 0);
      const inside = await submit(rig, snowflakeModule, [table('T0750')]);
      const outside = await submit(rig, snowflakeModule, [table('T0100')]);
      await receive(rig.storage, 32); // their own messages: delivered by hand below
      expect(await runTask(inside, rig.deps)).toBe('deferred');
      expect(await runTask(outside, rig.deps)).toBe('completed');
      expect(await slice).toBe('completed');
      expect(await runTask(inside, rig.deps)).toBe('completed');

      // A table task in slice 3 runs: slice 3 waits for it.
      const last = await submit(rig, snowflakeModule, [table('T1100')]);
      await receive(rig.storage, 32);
      const running = runTask(last, rig.deps);
      await until(async () => (await leased(schemaKey)).includes(nameKey(['SLICED', 'BIG', 'T1100'])));
      expect(await runDelivery(unit('00002'), rig.deps)).toBe('deferred');
      expect(await running).toBe('completed');

      await Promise.all(all.map((m) => m.remove()));
      await runDelivery(unit('00000'), rig.deps);
      await runDelivery(unit('00003'), rig.deps);
      // The deferred slice comes back with a delay.
      await until(async () => {
        await drain(rig.storage, 4, rig.deps);
        return (await rig.storage.store.get(taskId))!.header.status === 'SUCCESS';
      });
      expect((await rig.storage.store.get(taskId))!.header).toMatchObject({ status: 'SUCCESS', unitsDone: 4 });
    } finally {
      rig.emulator.control.setLatency(0);
    }
  }, 120_000);
});

/** Polls `condition` until it holds, for at most ten seconds. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a Unity Catalog schema of 1,200 tables with UNIT_MAX_TABLES=500', () => {
  const odd1 = "t0500 `q's";
  const odd2 = 't1000.x"y';
  const names = bigSchemaNames(odd1, odd2, (s) => s.toLowerCase());
  let rig: DatabricksRig & Rig;
  beforeAll(async () => {
    const base = await startDatabricksRig(
      {
        catalogs: [
          {
            name: 'sliced',
            owner: 'admin@example.com',
            schemas: [
              { name: 'big', tables: names.map((name) => ({ name, kind: 'TABLE' as const })) },
              { name: 'small', tables: [{ name: 'one' }] },
            ],
          },
        ],
        principals: [
          { kind: 'user', name: 'admin@example.com' },
          { kind: 'group', name: 'analysts' },
          { kind: 'group', name: 'stray' },
        ],
        grants: [{ principal: 'stray', privilege: 'USE SCHEMA', on: { type: 'SCHEMA', name: 'sliced.big' } }],
      },
      policyFile(
        'databricks.json',
        { catalog: 'sliced', schema: '*', table: '*', column: '*' },
        { groups: ['analysts'] },
      ),
    );
    rig = sliced(base);
  }, 60_000);
  afterAll(() => rig?.stop());

  it('becomes 3 slices cut at quoted bounds, syncs every table once, the schema and the catalog once', async () => {
    rig.reset();
    const added = ['a_before_all', 't0750_added', 'z_after_all'];
    const catalog: ResourceRef = { type: 'catalog', values: { catalog: 'sliced' } };
    const { units, header } = await fanOutThenRun(rig, databricksModule, catalog, () => {
      const schema = rig.emulator.metastore.catalogs.get('sliced')!.schemas.get('big')!;
      for (const name of added)
        schema.tables.set(name, { name, kind: 'TABLE', owner: 'admin@example.com', columns: [] });
    });

    expect(units.map((u) => [u.ref.values.schema, u.tables ?? null])).toEqual([
      ['`big`', { below: odd1 }],
      ['`big`', { from: odd1, below: odd2 }],
      ['`big`', { from: odd2 }],
      ['`small`', null],
    ]);
    expect(header).toMatchObject({ status: 'SUCCESS', unitsTotal: 4, unitsDone: 4, unitsFailed: 0 });
    expect(taskView(header).units).toEqual({ total: 4, done: 4, failed: 0 });

    const log = rig.statements();
    // The bounds reached the warehouse as named parameters, never as SQL text.
    expect(log.filter((s) => s.includes('table_name >= :from') && s.includes('table_name < :below')).length).toBe(1);
    expect(log.filter((s) => /^SELECT/i.test(s.trim()) && (s.includes(odd1) || s.includes(odd2)))).toEqual([]);
    const quoted = (name: string) => `\`${name.replaceAll('`', '``')}\``;
    const grants = writes(log).filter((s) => s.startsWith('GRANT SELECT ON TABLE `sliced`.`big`.'));
    expect(grants).toHaveLength(TABLES + added.length);
    expect(new Set(writes(log)).size).toBe(writes(log).length);
    for (const name of [...added, odd1, odd2])
      expect(grants).toContain(`GRANT SELECT ON TABLE \`sliced\`.\`big\`.${quoted(name)} TO \`analysts\``);
    expect(once(log, 'GRANT USE SCHEMA ON SCHEMA `sliced`.`big` TO `analysts`')).toBe(1);
    expect(once(log, 'REVOKE USE SCHEMA ON SCHEMA `sliced`.`big` FROM `stray`')).toBe(1);
    expect(once(log, 'GRANT USE CATALOG ON CATALOG `sliced` TO `analysts`')).toBe(1);

    rig.reset();
    const again = await fanOutThenRun(rig, databricksModule, catalog, () => undefined);
    expect(again.header.status).toBe('SUCCESS');
    expect(writes(rig.statements())).toEqual([]);
  }, 180_000);
});
