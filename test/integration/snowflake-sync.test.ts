import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorConnector, type SnowflakeRig, startSnowflakeRig, syncOnce, table } from '../support/snowflake-sync.js';

let rig: SnowflakeRig;
beforeAll(async () => {
  rig = await startSnowflakeRig();
});
afterAll(async () => {
  await rig.stop();
});
beforeEach(() => rig.emulator.control.reset());

const writes = () => rig.emulator.control.statements().filter((s) => /^\s*(GRANT|REVOKE|CREATE)/i.test(s.sql));

describe('Snowflake sync through the real driver, the emulator, the worker and Azurite', () => {
  it('grants what the policies allow on a table, with USAGE on its schema and database, and revokes a drifted grant', async () => {
    const { header, rows } = await syncOnce(rig, [table('ORDERS')]);
    expect(header.status).toBe('SUCCESS');
    const sql = writes().map((s) => s.sql);
    expect(sql).toContain('GRANT USAGE ON DATABASE "SALES" TO ROLE "ANALYST"');
    expect(sql).toContain('GRANT USAGE ON SCHEMA "SALES"."PUBLIC" TO ROLE "ANALYST"');
    expect(sql).toContain('GRANT SELECT ON TABLE "SALES"."PUBLIC"."ORDERS" TO ROLE "ANALYST"');
    expect(sql).toContain('GRANT INSERT, SELECT, UPDATE ON TABLE "SALES"."PUBLIC"."ORDERS" TO ROLE "ENGINEER"');
    expect(sql).toContain('REVOKE SELECT ON TABLE "SALES"."PUBLIC"."ORDERS" FROM ROLE "AUDITOR"');
    // Grants come before revokes: nobody loses access in between.
    expect(sql.findIndex((s) => s.startsWith('REVOKE'))).toBeGreaterThan(
      sql.findLastIndex((s) => s.startsWith('GRANT')),
    );
    expect(rows[0]!.result!.revoked).toEqual(['SELECT ON TABLE SALES.PUBLIC.ORDERS FROM ROLE AUDITOR']);
    expect(rows[0]!.result!.policyVersion).toBe('7');
  });

  it("never takes a grant on another database's schema of the same name for this schema's (OBJECT_PRIVILEGES covers the account)", async () => {
    const { account } = rig.emulator;
    const other = account.database('OTHER') ?? account.addDatabase('OTHER');
    if (!account.schema('OTHER', 'PUBLIC')) account.addSchema(other, 'PUBLIC');
    account.grant({
      privilege: 'USAGE',
      on: { type: 'SCHEMA', path: ['OTHER', 'PUBLIC'] },
      grantee: 'ANALYST',
      grantedBy: 'SYSADMIN',
      grantOption: false,
    });
    account.revoke({ privilege: 'USAGE', on: { type: 'SCHEMA', path: ['SALES', 'PUBLIC'] }, grantee: 'ANALYST' });
    const { header } = await syncOnce(rig, [table('ORDERS')]);
    expect(header.status).toBe('SUCCESS');
    expect(writes().map((s) => s.sql)).toContain('GRANT USAGE ON SCHEMA "SALES"."PUBLIC" TO ROLE "ANALYST"');
  });

  it('leaves OWNERSHIP, ignored roles and unmanaged privileges alone', async () => {
    await syncOnce(rig, [table('ORDERS')]);
    const held = rig.emulator.account
      .grants()
      .filter((g) => g.on.name === 'SALES.PUBLIC.ORDERS')
      .map((g) => `${g.privilege} ${g.to}`);
    expect(held).toEqual(expect.arrayContaining(['OWNERSHIP ENGINEER', 'SELECT SYSADMIN', 'REFERENCES AUDITOR']));
    expect(held).not.toContain('SELECT AUDITOR');
  });

  it('applies zero write statements on a second identical task', async () => {
    await syncOnce(rig, [table('CUSTOMERS')]);
    rig.emulator.control.reset();
    const again = await syncOnce(rig, [table('CUSTOMERS')]);
    expect(again.header.status).toBe('SUCCESS');
    expect(writes()).toEqual([]);
    expect(again.rows[0]!.message).toBe('already in sync');
  });

  it('handles a table named x"; DROP TABLE y; -- as a name: the statement log shows no injected statement', async () => {
    const { header } = await syncOnce(rig, [table('x"; DROP TABLE y; --')]);
    expect(header.status).toBe('SUCCESS');
    const log = rig.emulator.control.statements().map((s) => s.sql);
    expect(log).toContain('GRANT SELECT ON TABLE "SALES"."PUBLIC"."x""; DROP TABLE y; --" TO ROLE "ANALYST"');
    expect(log.some((s) => /^\s*DROP/i.test(s))).toBe(false);
    const after = await syncOnce(rig, [table('"y"')]); // quoted: the lower-case table y survived
    expect(after.rows[0]!.status).toBe('SUCCESS');
  });

  it('converges when the table is dropped between reading its grants and applying them', async () => {
    rig.emulator.control.dropBetween('INFORMATION_SCHEMA.TABLE_PRIVILEGES', 'SALES.PUBLIC.TEMP_LOAD');
    const { header, rows } = await syncOnce(rig, [table('TEMP_LOAD')]);
    expect(header.status).toBe('SUCCESS');
    expect(rows[0]!.result!.warnings.join('\n')).toContain('disappeared during the sync');
    expect(rig.emulator.account.table('SALES', 'PUBLIC', 'TEMP_LOAD')).toBeUndefined();
  });

  it('covers the tables and views of a schema task and nothing outside the schema', async () => {
    const { header } = await syncOnce(rig, [{ type: 'schema', values: { database: 'SALES', schema: 'PUBLIC' } }]);
    expect(header.status).toBe('SUCCESS');
    const sql = writes().map((s) => s.sql);
    expect(sql).toContain('GRANT SELECT ON VIEW "SALES"."PUBLIC"."ORDERS_V" TO ROLE "ANALYST"');
    expect(sql.join('\n')).not.toContain('FINANCE');
  });

  it('plans without applying on a dry run', async () => {
    const { rows } = await syncOnce(rig, [table('INVOICES', 'FINANCE')], true);
    expect(writes()).toEqual([]);
    expect(rows[0]!.result!.plan.length).toBeGreaterThan(0);
    expect(rows[0]!.message).toMatch(/dry run: \d+ change/);
  });

  it("fails only the resource whose GRANT fails, with the statement and Snowflake's message", async () => {
    // A permission error is not transient: it fails inside the batch and again when retried on its own.
    const denied = {
      code: '003001',
      message: "Insufficient privileges to operate on table 'INVOICES'",
      sqlState: '42501',
    };
    for (const nth of [1, 2])
      rig.emulator.control.failStatement({ nth, pattern: 'ON TABLE "SALES"."FINANCE"."INVOICES"' }, denied);
    const { header, rows } = await syncOnce(rig, [table('INVOICES', 'FINANCE'), table('ORDERS_V')]);
    expect(header.status).toBe('FAILED');
    expect(rows[0]!.status).toBe('FAILED');
    expect(rows[0]!.message).toContain('Insufficient privileges');
    expect(rows[0]!.message).toContain('"INVOICES"');
    expect(rows[1]!.status).toBe('SUCCESS');
  });

  it('skips a table that does not exist as not found', async () => {
    const { header, rows } = await syncOnce(rig, [table('NOPE')]);
    expect(header.status).toBe('SKIPPED');
    expect(rows[0]!.message).toContain('not found');
  });

  it('reports a policy role that does not exist in Snowflake instead of failing, and a deny grants cannot express', async () => {
    const { rows } = await syncOnce(rig, [
      { type: 'view', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS_V' } },
      table('CUSTOMERS'),
    ]);
    expect(rows[0]!.status).toBe('SUCCESS');
    expect(rows[0]!.result!.warnings.join('\n')).toContain('role GHOST does not exist');
    expect(rows[1]!.result!.warnings.join('\n')).toMatch(/select is denied to user mallory/);
  });

  it('syncs one table in 2 round trips with changes and 1 when already in sync', async () => {
    await rig.connector.capabilities.principals!.existing(); // the role list is cached per worker instance
    rig.emulator.control.reset();
    const changed = await syncOnce(rig, [table('PAYMENTS', 'FINANCE')]);
    const withChanges = rig.emulator.control.roundTrips();
    expect(changed.rows[0]!.result!.granted.length + changed.rows[0]!.result!.revoked.length).toBeGreaterThan(1);
    rig.emulator.control.reset();
    await syncOnce(rig, [table('PAYMENTS', 'FINANCE')]);
    const inSync = rig.emulator.control.roundTrips();
    console.log(`round trips, one table: ${withChanges} with changes, ${inSync} already in sync`);
    expect(withChanges).toBe(2);
    expect(inSync).toBe(1);
  });

  it('re-establishes the connection when Snowflake ends the session', async () => {
    rig.emulator.endSessions();
    const { header } = await syncOnce(rig, [table('ORDERS')]);
    expect(header.status).toBe('SUCCESS');
  });

  it('creates a missing role when CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES is on, then grants to it', async () => {
    const creating = emulatorConnector(rig.emulator.url, undefined, undefined, true);
    try {
      const { rows } = await syncOnce({ ...rig, deps: { ...rig.deps, connector: creating } }, [
        { type: 'view', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS_V' } },
      ]);
      expect(rows[0]!.status).toBe('SUCCESS');
      const sql = writes().map((w) => w.sql);
      expect(sql[0]).toBe('CREATE ROLE IF NOT EXISTS "GHOST"');
      expect(sql).toContain('GRANT SELECT ON VIEW "SALES"."PUBLIC"."ORDERS_V" TO ROLE "GHOST"');
    } finally {
      await creating.close();
    }
  });
});
