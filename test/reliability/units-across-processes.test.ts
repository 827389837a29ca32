import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchCatalog, benchPolicies } from '../../bench/catalog.js';
import { benchHostEnv } from '../../bench/host-child.js';
import type { AzuriteHandle } from '../../dev/azurite.js';
import { startAzuriteProcesses } from '../../dev/azurite-processes.js';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../../dev/emulators/snowflake/index.js';
import { type FreshStorage, freshStorage } from '../../dev/fresh-storage.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { createTask } from '../../shared/intake/create-task.js';
import { UnitStore } from '../../shared/store/unit-store.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { isTerminal } from '../../shared/task/status.js';
import { type HostProcess, startHostProcess } from '../support/host-process.js';

/**
 * Workers as separate processes (the local host: queue poller and worker), sharing one Azurite (processes of its own)
 * and one Snowflake emulator, as Functions instances share a storage account and a warehouse. Leases are the
 * shortest allowed (10 s), so a killed worker's unit comes back within seconds.
 */
const LEASE_SECONDS = 10;
const FAST = { name: 'BENCH', schemas: 8 };
const SLOW = { name: 'SLOW', schemas: 2 };

let dir: string;
let azurite: AzuriteHandle;
let emulator: SnowflakeEmulator;
let storage: FreshStorage;
let env: Record<string, string>;
const hosts: HostProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'policysync-units-'));
  const fast = benchCatalog({ schemas: FAST.schemas, tables: 3, columns: 2, policies: 0 });
  const slow = benchCatalog({ schemas: SLOW.schemas, tables: 2, columns: 2, policies: 0 });
  const catalog = {
    ...fast,
    databases: [...(fast.databases ?? []), { ...slow.databases![0]!, name: SLOW.name }],
    // In place already, so the slow database's own sync only reads (one round trip fewer to wait for).
    grants: [{ privilege: 'USAGE', on: { type: 'DATABASE', name: SLOW.name }, to: 'BENCH_R00' }],
  };
  const policies = benchPolicies({ schemas: FAST.schemas, tables: 3, columns: 2, policies: 2 * FAST.schemas });
  policies.policies.push({
    ...policies.policies[0]!,
    id: 999,
    name: 'slow database',
    resources: { ...policies.policies[0]!.resources, database: { values: [SLOW.name] }, schema: { values: ['*'] } },
  });
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));
  writeFileSync(join(dir, 'policies.json'), JSON.stringify(policies));
  [azurite, emulator] = await Promise.all([
    startAzuriteProcesses(),
    startSnowflakeEmulator({ catalog: join(dir, 'catalog.json') }),
  ]);
  storage = await freshStorage('units', azurite);
  env = {
    ...benchHostEnv(emulator.url, azurite.connectionString),
    POLICY_FILE: join(dir, 'policies.json'),
    TASKS_TABLE: storage.tasksTable().tableName,
    SYNC_QUEUE: storage.queue.client.name,
    TASK_LEASE_SECONDS: String(LEASE_SECONDS),
  };
}, 60_000);

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await emulator?.stop();
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const startWorker = async () => {
  const host = await startHostProcess(env);
  hosts.push(host);
  return host;
};

async function submit(database: string): Promise<string> {
  const resource: ResourceRef = { type: 'database', values: { database } };
  const { task } = await createTask(
    { store: storage.store, queue: storage.queue, warehouse: snowflakeModule, instance: 't' },
    { request: { type: 'RESOURCE_SYNC', requestInfo: { resources: [resource] } } },
    { source: 'API' },
  );
  return task.header.taskId;
}

async function finished(taskId: string, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const t = (await storage.store.get(taskId))!;
    if (isTerminal(t.header.status)) return t.header;
    if (Date.now() > deadline)
      throw new Error(`task still ${t.header.status} (${t.header.unitsDone}/${t.header.unitsTotal})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The statements the emulator applied (grants, revokes), each on its own even when sent in one block. */
const applied = () => emulator.control.statements().filter((s) => s.ok && /^\s*(GRANT|REVOKE)\s/i.test(s.sql));
/** The loads of one schema's objects and grants. */
const schemaLoads = () => emulator.control.statements().filter((s) => s.sql.includes('TABLE_PRIVILEGES')).length;

describe('units on workers in separate processes', () => {
  it('finishes every unit and the task when a worker is killed in the middle of a unit, applying no statement twice', async () => {
    emulator.control.reset();
    emulator.control.setLatency(150);
    try {
      const a = await startWorker();
      const taskId = await submit(FAST.name);
      await a.waitForLog((l) => l.message === 'task fanned out' && l.taskId === taskId, 20_000);
      const units = new UnitStore(storage.store.table);
      const deadline = Date.now() + 10_000;
      while (!(await units.list(taskId)).some((u) => u.unit.status === 'INPROGRESS') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 25));
      await a.kill('SIGKILL');
      const atKill = (await units.list(taskId)).map((u) => u.unit);
      expect(atKill.some((u) => u.status === 'INPROGRESS')).toBe(true);
      expect(atKill.filter((u) => u.status === 'SUCCESS').length).toBeLessThan(FAST.schemas);

      await startWorker();
      const header = await finished(taskId, 45_000);
      expect(header).toMatchObject({ status: 'SUCCESS', unitsTotal: FAST.schemas, unitsDone: FAST.schemas });
      const after = (await units.list(taskId)).map((u) => u.unit);
      expect(after.every((u) => u.status === 'SUCCESS')).toBe(true);
      expect(after.some((u) => u.attempt === 2)).toBe(true);
      const sql = applied().map((s) => s.sql.trim());
      expect(sql.length).toBeGreaterThan(0);
      expect(sql.filter((s, i) => sql.indexOf(s) !== i)).toEqual([]);
    } finally {
      emulator.control.setLatency(0);
    }
  }, 90_000);

  it('never runs a unit slower than its lease on two workers at once', async () => {
    // Every round trip takes 6 s: a unit (load, then apply) outlives its 10 s lease, and its message comes back to
    // the queue (visible again after a lease) while it still runs.
    while (hosts.filter((h) => h.child.exitCode === null && h.child.signalCode === null).length < 2)
      await startWorker();
    emulator.control.reset();
    emulator.control.setLatency(6000);
    try {
      const started = Date.now();
      const taskId = await submit(SLOW.name);
      const header = await finished(taskId, 80_000);
      expect(header).toMatchObject({ status: 'SUCCESS', unitsDone: SLOW.schemas });
      expect(Date.now() - started).toBeGreaterThan(2 * LEASE_SECONDS * 1000);
      expect(schemaLoads()).toBe(SLOW.schemas);
      const units = (await new UnitStore(storage.store.table).list(taskId)).map((u) => u.unit);
      expect(units.every((u) => u.attempt === 1)).toBe(true);
      const redelivered = hosts
        .flatMap((h) => h.logs())
        .filter(
          (l) => l.message === 'sync delivery handled' && l.taskId === taskId && l.outcome === 'claimed_elsewhere',
        );
      expect(redelivered.length).toBeGreaterThan(0);
      const sql = applied().map((s) => s.sql.trim());
      expect(sql.filter((s, i) => sql.indexOf(s) !== i)).toEqual([]);
    } finally {
      emulator.control.setLatency(0);
    }
  }, 100_000);
});
