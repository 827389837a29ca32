import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databricksModule } from '../../shared/connectors/databricks/module.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { startFullSync } from '../../shared/intake/full-sync.js';
import { runTask } from '../../shared/sync/worker.js';
import { type DatabricksRig, startDatabricksRig } from '../support/databricks-sync.js';
import { type SnowflakeRig, startSnowflakeRig } from '../support/snowflake-sync.js';

let rig: SnowflakeRig;
let dbx: DatabricksRig;
beforeAll(async () => {
  [rig, dbx] = await Promise.all([startSnowflakeRig(), startDatabricksRig()]);
});
afterAll(async () => {
  await Promise.all([rig?.stop(), dbx?.stop()]);
});

describe('scheduled full sync', () => {
  it('records a SCHEDULE task over every database, syncs it schema by schema, and converges', async () => {
    const intake = { store: rig.storage.store, queue: rig.storage.queue, warehouse: snowflakeModule, instance: 't' };
    const at = new Date('2026-11-27T02:00:00Z');
    const [taskId] = await startFullSync(intake, rig.connector, at);
    expect(await startFullSync(intake, rig.connector, at)).toEqual([taskId]); // a second firing starts nothing new
    await runTask(taskId!, rig.deps);
    const task = (await rig.storage.store.get(taskId!))!;
    expect(task.header).toMatchObject({ status: 'SUCCESS', source: 'SCHEDULE' });
    const [row] = await rig.storage.store.resources(taskId!);
    expect(row!.ref).toEqual({ type: 'database', values: { database: '"SALES"' } });
    expect(row!.message).toMatch(/^2 schema\(s\): \d+ grant\(s\)/);
    // Reads are per container: the database itself, then one statement per schema, never the whole account at once.
    const reads = rig.emulator.control.statements().filter((s) => s.sql.includes('INFORMATION_SCHEMA'));
    expect(reads.filter((s) => s.sql.includes('TABLE_PRIVILEGES')).length).toBe(2);
    expect(
      reads.filter((s) => s.sql.includes('TABLE_PRIVILEGES') && s.sql.includes('WHERE TABLE_SCHEMA = ?')).length,
    ).toBe(2);

    rig.emulator.control.reset();
    const [again] = await startFullSync(intake, rig.connector, new Date('2026-11-28T02:00:00Z'));
    await runTask(again!, rig.deps);
    const writes = rig.emulator.control.statements().filter((s) => /^\s*(BEGIN|GRANT|REVOKE)/.test(s.sql));
    expect(writes).toEqual([]);
  });

  it("covers every Unity Catalog catalog but Databricks' own, one schema at a time, and converges", async () => {
    const intake = { store: dbx.storage.store, queue: dbx.storage.queue, warehouse: databricksModule, instance: 't' };
    const [taskId] = await startFullSync(intake, dbx.connector, new Date('2026-11-27T03:00:00Z'));
    await runTask(taskId!, dbx.deps);
    const rows = await dbx.storage.store.resources(taskId!);
    expect(rows.map((r) => r.ref.values.catalog)).toEqual(['`hr`', '`lab`', '`main`']);
    for (const row of rows) expect(row.message).toMatch(/\d+ schema\(s\): /);
    // The fixture's policy on `lab` names a group the workspace lacks: that catalog fails, saying so; the others converge.
    expect(rows.map((r) => r.status)).toEqual(['SUCCESS', 'FAILED', 'SUCCESS']);
    expect(rows[1]!.message).toContain('group ghosts does not exist in Databricks');
    expect((await dbx.storage.store.get(taskId!))!.header).toMatchObject({ status: 'FAILED', source: 'SCHEDULE' });

    dbx.emulator.control.reset();
    const [again] = await startFullSync(intake, dbx.connector, new Date('2026-11-28T03:00:00Z'));
    await runTask(again!, dbx.deps);
    const writes = dbx.emulator.control.statements().filter((s) => /^\s*(GRANT|REVOKE)/i.test(s.sql));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((s) => !s.sql.includes('`ghosts`'))).toEqual([]);
  });
});
