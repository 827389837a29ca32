import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_DATABASE, benchTable, schemaName, writeBenchFiles } from '../../bench/catalog.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { taskView } from '../../shared/http/task-view.js';
import { createTask } from '../../shared/intake/create-task.js';
import type { PolicySource } from '../../shared/policy/index.js';
import { nameKey } from '../../shared/store/name-key.js';
import { UnitStore } from '../../shared/store/unit-store.js';
import { runDelivery, runTask, type WorkerDeps } from '../../shared/sync/worker.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { drain as drainQueue, type Received, receive as receiveFrom } from '../support/queue-drain.js';
import { type SnowflakeRig, startSnowflakeRig } from '../support/snowflake-sync.js';

const SCHEMAS = 12;
const files = writeBenchFiles({ schemas: SCHEMAS, tables: 3, columns: 2, policies: 2 * SCHEMAS });
let rig: SnowflakeRig;
let units: UnitStore;
beforeAll(async () => {
  rig = await startSnowflakeRig(files.catalogFile, files.policyFile);
  rig.deps.coalescing = { states: rig.storage.states, queue: rig.storage.queue };
  rig.deps.queue = rig.storage.queue;
  units = new UnitStore(rig.storage.store.table);
}, 60_000);
afterAll(async () => {
  await rig.stop();
  files.remove();
});

const database: ResourceRef = { type: 'database', values: { database: BENCH_DATABASE } };
const statements = () => rig.emulator.control.statements();
/** The database's own loads: its grants alone, no schema's objects. */
const topLoads = () =>
  statements().filter((s) => s.sql.includes('OBJECT_PRIVILEGES') && !s.sql.includes('TABLE_PRIVILEGES')).length;

async function submit(resources: ResourceRef[]) {
  const { task } = await createTask(
    { store: rig.storage.store, queue: rig.storage.queue, warehouse: snowflakeModule, instance: 't' },
    { request: { type: 'RESOURCE_SYNC', requestInfo: { resources } } },
    { source: 'API' },
  );
  return task.header.taskId;
}

const receive = (max = 32) => receiveFrom(rig.storage, max);
const drain = (workers: number, deps: WorkerDeps = rig.deps) => drainQueue(rig.storage, workers, deps);

describe('a database task fanned out into units', () => {
  it('runs one unit per schema on concurrent workers and the database itself once, last, never revoking what they need', async () => {
    rig.emulator.control.reset();
    const taskId = await submit([database]);
    const outcomes = await drain(6);
    expect(outcomes.filter((o) => o === 'fanned_out')).toHaveLength(1);
    const { header } = (await rig.storage.store.get(taskId))!;
    expect(header).toMatchObject({ status: 'SUCCESS', unitsTotal: SCHEMAS, unitsDone: SCHEMAS, unitsFailed: 0 });
    expect(taskView(header).units).toEqual({ total: SCHEMAS, done: SCHEMAS, failed: 0 });
    const [row] = await rig.storage.store.resources(taskId);
    expect(row!.message).toMatch(new RegExp(`^${SCHEMAS} schema\\(s\\): \\d+ grant\\(s\\)`));
    expect(topLoads()).toBe(1);
    expect(statements().some((s) => /^GRANT USAGE ON DATABASE/.test(s.sql.trim()))).toBe(true);
    expect(statements().some((s) => /REVOKE/.test(s.sql))).toBe(false);
    // No grant statement was applied twice.
    const grants = statements().filter((s) => /^GRANT /.test(s.sql.trim()));
    expect(new Set(grants.map((s) => s.sql)).size).toBe(grants.length);

    // Synced again, nothing is left to change.
    rig.emulator.control.reset();
    const again = await submit([database]);
    await drain(6);
    expect((await rig.storage.store.get(again))!.header.status).toBe('SUCCESS');
    expect(statements().filter((s) => /^\s*(BEGIN|GRANT|REVOKE)/.test(s.sql))).toEqual([]);
  });

  it('counts every unit exactly once when all of them finish at the same moment', async () => {
    const taskId = await submit([database]);
    const [parent] = await receive(1);
    expect(await runDelivery(parent!.message, rig.deps)).toBe('fanned_out');
    await parent!.remove();
    const all: Received[] = [];
    while (all.length < SCHEMAS) all.push(...(await receive(32)));
    rig.emulator.control.reset();
    // Each unit twice at once (a duplicate delivery), every one of them side by side.
    const outcomes = await Promise.all(
      all.flatMap((m) => [runDelivery(m.message, rig.deps), runDelivery(m.message, rig.deps)]),
    );
    await Promise.all(all.map((m) => m.remove()));
    await drain(6);
    expect(outcomes.filter((o) => o === 'completed').length).toBe(SCHEMAS);
    const { header } = (await rig.storage.store.get(taskId))!;
    expect(header).toMatchObject({ status: 'SUCCESS', unitsDone: SCHEMAS, unitsFailed: 0 });
    expect((await units.list(taskId)).every((u) => u.unit.status === 'SUCCESS' && u.unit.attempt === 1)).toBe(true);
    expect(topLoads()).toBe(1);
  });

  it("re-sends, on the task's next delivery, only the units whose message was lost", async () => {
    const taskId = await submit([database]);
    const [parent] = await receive(1);
    await runDelivery(parent!.message, rig.deps);
    await parent!.remove();
    const all: Received[] = [];
    while (all.length < SCHEMAS) all.push(...(await receive(32)));
    // Two units run; the other messages are lost.
    await runDelivery(all[0]!.message, rig.deps);
    await runDelivery(all[1]!.message, rig.deps);
    await Promise.all(all.map((m) => m.remove()));
    const later = { ...rig.deps, now: () => new Date(Date.now() + 2 * rig.deps.leaseSeconds * 1000) };
    expect(await runTask(taskId, later)).toBe('resent');
    const resent = await receive(32);
    expect(resent.map((m) => m.message.unit).sort()).toEqual(
      all
        .slice(2)
        .map((m) => m.message.unit)
        .sort(),
    );
    await Promise.all(resent.map((m) => runDelivery(m.message, rig.deps).then(() => m.remove())));
    expect((await rig.storage.store.get(taskId))!.header.status).toBe('SUCCESS');
  });

  it("does the top work on the task's next delivery when the worker of the last unit failed before it, exactly once", async () => {
    let calls = 0;
    const failOnce: PolicySource = {
      current: async () => {
        calls++;
        // 1: the fan-out, 2..13: the units, 14: the top work of the last unit's worker.
        if (calls === SCHEMAS + 2) throw new Error('worker lost its connection to Ranger');
        return rig.deps.policies.current();
      },
    };
    const deps = { ...rig.deps, policies: failOnce };
    const taskId = await submit([database]);
    rig.emulator.control.reset();
    await drain(1, deps);
    const stuck = (await rig.storage.store.get(taskId))!.header;
    expect(stuck).toMatchObject({
      status: 'INPROGRESS',
      unitsDone: SCHEMAS,
      lastError: 'worker lost its connection to Ranger',
    });
    expect(topLoads()).toBe(0);
    // The sweeper's {taskId} once the lease ran out.
    expect(await runTask(taskId, deps)).toBe('completed');
    expect((await rig.storage.store.get(taskId))!.header.status).toBe('SUCCESS');
    expect(topLoads()).toBe(1);
    expect(await runTask(taskId, deps)).toBe('already_terminal');
  });

  it('ends a unit that fails on every attempt FAILED at the cap, and the task says which unit failed', async () => {
    let broken = false;
    const flaky: PolicySource = {
      current: async () => {
        if (broken) throw new Error('Ranger Admin unreachable');
        return rig.deps.policies.current();
      },
    };
    const deps = { ...rig.deps, policies: flaky, maxAttempts: 3 };
    const taskId = await submit([database]);
    const [parent] = await receive(1);
    await runDelivery(parent!.message, deps);
    await parent!.remove();
    const all: Received[] = [];
    while (all.length < SCHEMAS) all.push(...(await receive(32)));
    const doomed = all[0]!.message;
    broken = true;
    for (let i = 0; i < 2; i++) await expect(runDelivery(doomed, deps)).rejects.toThrow('unreachable');
    expect((await units.get(taskId, doomed.unit!))!.unit).toMatchObject({
      status: 'PENDING',
      attempt: 2,
      lastError: 'Ranger Admin unreachable',
    });
    expect(await runDelivery(doomed, deps)).toBe('completed');
    expect((await units.get(taskId, doomed.unit!))!.unit).toMatchObject({ status: 'FAILED', attempt: 3 });
    expect(await runDelivery(doomed, deps)).toBe('already_terminal');
    broken = false;
    await Promise.all(all.slice(1).map((m) => runDelivery(m.message, deps)));
    await Promise.all(all.map((m) => m.remove()));
    const { header } = (await rig.storage.store.get(taskId))!;
    expect(header).toMatchObject({ status: 'FAILED', unitsDone: SCHEMAS, unitsFailed: 1 });
    expect(header.message).toContain(`1 unit(s) failed: schema "${BENCH_DATABASE}"."${schemaName(0)}"`);
    const failed = (await units.get(taskId, doomed.unit!))!.unit;
    expect(failed.message).toMatch(/^failed after 3 attempt\(s\) \(TASK_MAX_ATTEMPTS is 3\): Ranger Admin unreachable/);
  });

  it("defers a table task while its schema's unit runs, then finds the table's grants in place", async () => {
    rig.emulator.control.setLatency(300);
    try {
      await submit([database]);
      const [parent] = await receive(1);
      await runDelivery(parent!.message, rig.deps);
      await parent!.remove();
      const all: Received[] = [];
      while (all.length < SCHEMAS) all.push(...(await receive(32)));
      const first = all.find((m) => m.message.unit?.endsWith('-00000'))!;
      const running = runDelivery(first.message, rig.deps);
      const lock = nameKey([BENCH_DATABASE, schemaName(0)]);
      const deadline = Date.now() + 10_000;
      while (!(await rig.storage.states.get([lock]))[0]?.leaseUntil && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const tableTask = await submit([benchTable(0, 0)]);
      await receive(32); // the table task's own message: delivered by hand below
      expect(await runTask(tableTask, rig.deps)).toBe('deferred');
      expect(await running).toBe('completed');
      expect(await runTask(tableTask, rig.deps)).toBe('completed');
      // The unit applied the table's grants; the task finds them in place and adds only what the top work has not
      // granted yet (USAGE on the database).
      const [row] = await rig.storage.store.resources(tableTask);
      expect(row!.status).toBe('SUCCESS');
      expect(row!.result!.statements.every((s) => /ON DATABASE/.test(s.sql))).toBe(true);
      await Promise.all(all.map((m) => m.remove()));
    } finally {
      rig.emulator.control.setLatency(0);
    }
  });
});
