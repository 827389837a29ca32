import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DatabricksRig, startDatabricksRig, syncOnce, table, view } from '../support/databricks-sync.js';

let rig: DatabricksRig;
beforeAll(async () => {
  rig = await startDatabricksRig();
});
afterAll(async () => {
  await rig.stop();
});
beforeEach(() => rig.emulator.control.reset());

const writes = () =>
  rig.emulator.control
    .statements()
    .filter((s) => /^\s*(GRANT|REVOKE)/i.test(s.sql))
    .map((s) => s.sql);
const held = (type: 'CATALOG' | 'SCHEMA' | 'TABLE' | 'VIEW', name: string) =>
  rig.emulator.metastore.grantsOn(type, name).map((g) => `${g.privilege} ${g.principal}`);

describe('Databricks sync through the real driver, the emulator, the worker and Azurite', () => {
  it("grants a table's policies with USE CATALOG / USE SCHEMA to whoever needs them, and revokes a drifted grant", async () => {
    const { header, rows } = await syncOnce(rig, [table('orders')]);
    expect(header.status).toBe('SUCCESS');
    const sql = writes();
    // analysts already hold USE CATALOG on main: only USE SCHEMA is added for them.
    expect(sql).toContain('GRANT USE SCHEMA ON SCHEMA `main`.`sales` TO `analysts`');
    expect(sql).not.toContain('GRANT USE CATALOG ON CATALOG `main` TO `analysts`');
    expect(sql).toContain('GRANT SELECT ON TABLE `main`.`sales`.`orders` TO `analysts`');
    // An e-mail principal, backquoted with its case kept; parents first, then every privilege in one statement.
    expect(sql).toContain('GRANT USE CATALOG ON CATALOG `main` TO `Bob.Smith@Example.com`');
    expect(sql).toContain('GRANT USE SCHEMA ON SCHEMA `main`.`sales` TO `Bob.Smith@Example.com`');
    expect(sql).toContain('GRANT MODIFY, SELECT ON TABLE `main`.`sales`.`orders` TO `Bob.Smith@Example.com`');
    expect(sql).toContain('REVOKE SELECT ON TABLE `main`.`sales`.`orders` FROM `auditors`');
    expect(sql.findIndex((s) => s.startsWith('REVOKE'))).toBeGreaterThan(
      sql.findLastIndex((s) => s.startsWith('GRANT')),
    );
    expect(rows[0]!.result!.revoked).toEqual(['SELECT ON TABLE main.sales.orders FROM GROUP auditors']);
    expect(rows[0]!.result!.policyVersion).toBe('3');
    expect(held('TABLE', 'main.sales.orders')).toEqual(
      expect.arrayContaining(['SELECT analysts', 'MODIFY Bob.Smith@Example.com', 'SELECT admins']),
    );
    expect(held('TABLE', 'main.sales.orders')).not.toContain('SELECT auditors');
    expect(held('CATALOG', 'main')).toContain('BROWSE account users'); // ignored principal left alone
  });

  it('applies zero write statements on a second identical task, whatever the case of the requested names', async () => {
    await syncOnce(rig, [table('customers')]);
    rig.emulator.control.reset();
    const again = await syncOnce(rig, [table('CUSTOMERS', 'Sales', 'MAIN')]);
    expect(again.header.status).toBe('SUCCESS');
    expect(writes()).toEqual([]);
    expect(again.rows[0]!.message).toBe('already in sync');
  });

  it('maps a Ranger role to a group and quotes names holding backticks by doubling them', async () => {
    const { header } = await syncOnce(rig, [table('customers'), table('odd`name')]);
    expect(header.status).toBe('SUCCESS');
    expect(held('TABLE', 'main.sales.customers')).toEqual(
      expect.arrayContaining(['MODIFY data engineers', 'SELECT data engineers']),
    );
    const log = rig.emulator.control.statements().map((s) => s.sql);
    expect(log).toContain('GRANT SELECT ON TABLE `main`.`sales`.`odd``name` TO `weird``group`');
    expect(held('TABLE', 'main.sales.`odd``name`')).toContain('SELECT weird`group');
  });

  it('syncs a view task, granting SELECT on the view', async () => {
    const { header } = await syncOnce(rig, [view('orders_v')]);
    expect(header.status).toBe('SUCCESS');
    expect(writes()).toContain('GRANT SELECT ON TABLE `main`.`sales`.`orders_v` TO `analysts`');
    expect(held('VIEW', 'main.sales.orders_v')).toContain('SELECT analysts');
  });

  it('skips a view request that names a table, and a table and a catalog that do not exist, as not found', async () => {
    const { header, rows } = await syncOnce(rig, [
      view('ledger', 'finance'),
      table('nope'),
      { type: 'catalog', values: { catalog: 'nosuchcatalog' } },
    ]);
    expect(header.status).toBe('SKIPPED');
    expect(rows.map((r) => r.message)).toEqual(Array(3).fill(expect.stringContaining('not found')));
  });

  it('covers the tables and views of a schema task and nothing outside the schema', async () => {
    const { header } = await syncOnce(rig, [{ type: 'schema', values: { catalog: 'main', schema: 'sales' } }]);
    expect(header.status).toBe('SUCCESS');
    for (const t of ['orders', 'customers', 'orders_v', 'temp_load'])
      expect(held('TABLE', `main.sales.${t}`)).toContain('SELECT analysts');
    expect(writes().join('\n')).not.toContain('finance');
  });

  it('syncs a catalog task: its schemas, tables and views, with BROWSE on the catalog and a service principal by id', async () => {
    const before = rig.emulator.control.statements().length;
    const { header, rows } = await syncOnce(rig, [{ type: 'catalog', values: { catalog: 'hr' } }]);
    expect(header.status).toBe('SUCCESS');
    // The catalog's schemas are listed once (for its children); its existence and grants come in one round trip.
    expect(
      rig.emulator.control
        .statements()
        .slice(before)
        .filter((s) => /^SHOW SCHEMAS/i.test(s.sql)),
    ).toHaveLength(1);
    // One schema at a time, the catalog last: memory holds one schema's objects whatever the catalog's size.
    expect(rows[0]!.message).toMatch(/^\d+ schema\(s\): /);
    const sp = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';
    expect(held('CATALOG', 'hr')).toEqual(
      expect.arrayContaining(['BROWSE hr team', 'USE CATALOG hr team', `USE CATALOG ${sp}`]),
    );
    expect(held('SCHEMA', 'hr.people')).toEqual(expect.arrayContaining(['USE SCHEMA hr team', `USE SCHEMA ${sp}`]));
    expect(held('TABLE', 'hr.people.employees')).toEqual(expect.arrayContaining(['SELECT hr team', `SELECT ${sp}`]));
    expect(held('VIEW', 'hr.people.headcount')).toEqual(expect.arrayContaining(['SELECT hr team', `SELECT ${sp}`]));
    expect(writes()).toContain(`GRANT SELECT ON TABLE \`hr\`.\`people\`.\`employees\` TO \`${sp}\``);
  });

  it("runs the seed's multiple-resources request and skips a column resource with the reason", async () => {
    const { header, rows } = await syncOnce(rig, [
      table('ledger', 'finance'),
      view('orders_v'),
      { type: 'column', values: { catalog: 'main', schema: 'sales', table: 'orders', column: 'amount' } },
    ]);
    expect(header.status).toBe('SUCCESS');
    expect(rows.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS', 'SKIPPED']);
    expect(rows[2]!.message).toContain("unsupported resource type 'column'");
  });

  it("never reads inherited grants as the object's own: a schema-wide SELECT is neither revoked from nor granted to the table", async () => {
    const { header, rows } = await syncOnce(rig, [table('ledger', 'finance')]);
    expect(header.status).toBe('SUCCESS');
    expect(writes().join('\n')).not.toContain('legacy readers');
    expect(rows[0]!.result!.revoked).toEqual([]);
    expect(held('SCHEMA', 'main.finance')).toEqual(
      expect.arrayContaining(['SELECT legacy readers', 'USE SCHEMA legacy readers']),
    );
    expect(held('TABLE', 'main.finance.ledger')).toEqual([]);
  });

  it('fails a GRANT to a principal the workspace lacks with PRINCIPAL_DOES_NOT_EXIST and still applies the rest', async () => {
    const { header, rows } = await syncOnce(rig, [table('notes', 'scratch', 'lab')]);
    expect(header.status).toBe('FAILED');
    expect(rows[0]!.status).toBe('FAILED');
    expect(rows[0]!.message).toContain('PRINCIPAL_DOES_NOT_EXIST');
    expect(rows[0]!.message).toContain('group ghosts does not exist in Databricks');
    expect(held('TABLE', 'lab.scratch.notes')).toEqual(['SELECT alice@example.com']);
  });

  it('converges when the table is dropped between reading its grants and applying them', async () => {
    rig.emulator.control.dropBetween('SHOW GRANTS ON TABLE `lab`.`scratch`.`temp_load`', 'lab.scratch.temp_load');
    const { header, rows } = await syncOnce(rig, [table('temp_load', 'scratch', 'lab')]);
    expect(header.status).toBe('SUCCESS');
    expect(rows[0]!.result!.statements.filter((s) => !s.ok).map((s) => s.sql)).toEqual([
      'GRANT SELECT ON TABLE `lab`.`scratch`.`temp_load` TO `alice@example.com`',
    ]);
    expect(rows[0]!.result!.warnings.join('\n')).toContain('disappeared during the sync');
  });

  it('opens a new session when the warehouse ends the current one', async () => {
    await syncOnce(rig, [view('orders_v')]);
    rig.emulator.endSessions();
    const { header } = await syncOnce(rig, [view('orders_v')]);
    expect(header.status).toBe('SUCCESS');
  });

  it('syncs one table with a change in 3 round trips and one already in sync in 2', async () => {
    rig.emulator.control.reset();
    const changed = await syncOnce(rig, [table('invoices', 'finance')]);
    const withChange = rig.emulator.control.roundTrips();
    expect(changed.rows[0]!.result!.granted).toEqual(['SELECT ON TABLE main.finance.invoices TO GROUP analysts']);
    rig.emulator.control.reset();
    const same = await syncOnce(rig, [table('invoices', 'finance')]);
    const inSync = rig.emulator.control.roundTrips();
    expect(same.rows[0]!.message).toBe('already in sync');
    console.log(`Databricks round trips: table with one change ${withChange}, table already in sync ${inSync}`);
    expect(withChange).toBeLessThanOrEqual(3);
    expect(inSync).toBeLessThanOrEqual(2);
  });
});
