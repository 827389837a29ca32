import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type DatabricksRig,
  syncOnce as databricksSync,
  table as dbxTable,
  startDatabricksRig,
} from '../support/databricks-sync.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { emulatorConnector, type SnowflakeRig, startSnowflakeRig, syncOnce, table } from '../support/snowflake-sync.js';

// Promise 4: faults injected through the emulators (and a proxy that resets connections) -> the right status per
// resource, retries bounded, the connection re-established. The drop-mid-sync, permission-error and
// ended-session cases are proven in test/integration/snowflake-sync.test.ts and databricks-sync.test.ts.
let rig: SnowflakeRig;
let dbx: DatabricksRig;
let proxy: FaultProxy;
beforeAll(async () => {
  [rig, dbx] = await Promise.all([startSnowflakeRig(), startDatabricksRig()]);
  proxy = await startFaultProxy(rig.emulator.url);
}, 60_000);
afterAll(async () => {
  await proxy?.stop();
  await rig?.stop();
  await dbx?.stop();
});
beforeEach(() => {
  rig.emulator.control.reset();
  dbx.emulator.control.reset();
});

/** The connector's one-round-trip load of a table's objects and grants (shared/connectors/snowflake/catalog-query.ts). */
const LOAD = "^\\s*SELECT 'OBJECT'";
const TIMEOUT = {
  code: '000630',
  message: 'Statement reached its statement or warehouse timeout of 60 second(s) and was canceled.',
  sqlState: '57014',
};
const loads = () => rig.emulator.control.statements().filter((s) => new RegExp(LOAD, 'i').test(s.sql));
const grantsApplied = () =>
  rig.emulator.control
    .statements()
    .filter((s) => s.ok && /^\s*GRANT/i.test(s.sql))
    .map((s) => s.sql);
const drift = (t: string) =>
  rig.emulator.account.revoke({
    privilege: 'SELECT',
    on: { type: 'TABLE', path: ['SALES', 'PUBLIC', t] },
    grantee: 'ANALYST',
  });
const timed = async <T>(f: () => Promise<T>) => {
  const t = Date.now();
  const r = await f();
  return { r, ms: Date.now() - t };
};

/** Runs `body` on a connector with no session yet while the emulator refuses logins; restores both after. */
async function withLoginsRefused(body: (viaFresh: SnowflakeRig) => Promise<void>): Promise<void> {
  const fresh = emulatorConnector(rig.emulator.url);
  rig.emulator.control.refuseLogins(true);
  try {
    await body({ ...rig, deps: { ...rig.deps, connector: fresh } });
  } finally {
    rig.emulator.control.refuseLogins(false);
    await fresh.close();
  }
}

describe('Snowflake faults', () => {
  it('fails each resource while logins are refused, runs no statement, and reconnects once they are allowed', async () => {
    await withLoginsRefused(async (viaFresh) => {
      const { r: refused, ms } = await timed(() => syncOnce(viaFresh, [table('ORDERS'), table('CUSTOMERS')]));
      expect(refused.header.status).toBe('FAILED');
      expect(refused.rows.map((x) => x.status)).toEqual(['FAILED', 'FAILED']);
      expect(refused.header.message).toContain('2 resource(s) failed');
      expect(rig.emulator.control.statements()).toEqual([]);
      expect(ms).toBeLessThan(10_000); // an auth failure is not retried for long
      rig.emulator.control.refuseLogins(false);
      drift('ORDERS');
      const back = await syncOnce(viaFresh, [table('ORDERS')]);
      expect(back.header.status).toBe('SUCCESS');
      expect(grantsApplied()).toContain('GRANT SELECT ON TABLE "SALES"."PUBLIC"."ORDERS" TO ROLE "ANALYST"');
    });
  });

  // snowflake-sdk 3.x connectAsync() resolves even when the login is refused, so the session connects with a
  // callback and names the refused login.
  it('names the refused login in the resource message', async () => {
    await withLoginsRefused(async (viaFresh) => {
      const refused = await syncOnce(viaFresh, [table('ORDERS')]);
      expect(refused.rows[0]!.message).toContain('Snowflake refused the login of POLICYSYNC');
    });
  });

  it('retries a statement timeout (000630) with backoff and succeeds, applying the grant once', async () => {
    drift('ORDERS');
    rig.emulator.control.failStatement({ pattern: LOAD }, TIMEOUT);
    const { header, rows } = await syncOnce(rig, [table('ORDERS')]);
    expect(header.status).toBe('SUCCESS');
    expect(loads().map((s) => s.ok)).toEqual([false, true]);
    expect(loads()[0]!.error).toContain('timeout');
    expect(rows[0]!.status).toBe('SUCCESS');
    expect(grantsApplied().filter((s) => s.includes('"ORDERS" TO ROLE "ANALYST"'))).toHaveLength(1);
  });

  it('gives up on a statement that keeps timing out after 3 attempts, FAILED with the warehouse message, in bounded time', async () => {
    for (const nth of [1, 2, 3]) rig.emulator.control.failStatement({ pattern: LOAD, nth }, TIMEOUT);
    const {
      r: { header, rows },
      ms,
    } = await timed(() => syncOnce(rig, [table('CUSTOMERS'), table('ORDERS_V')]));
    expect(rows[0]!.status).toBe('FAILED');
    expect(rows[0]!.message).toMatch(/Snowflake is unreachable or slow \(000630\).*\(after 3 attempts\)/);
    expect(rows[1]!.status).toBe('SUCCESS'); // the next resource is not held hostage
    expect(header.status).toBe('FAILED');
    expect(loads().filter((s) => !s.ok)).toHaveLength(3);
    expect(ms).toBeLessThan(15_000); // 200 ms base, doubled, jittered: under a second of waits (slack for a slow machine)
  });

  it('retries a GRANT block that times out, statement by statement, and applies every grant', async () => {
    drift('ORDERS');
    rig.emulator.control.failStatement({ pattern: '^GRANT' }, TIMEOUT);
    const { header, rows } = await syncOnce(rig, [table('ORDERS')]);
    expect(header.status).toBe('SUCCESS');
    expect(rows[0]!.result!.granted.join('\n')).toContain('SELECT ON TABLE SALES.PUBLIC.ORDERS TO ROLE ANALYST');
    expect(rig.emulator.account.grantsOn('SALES.PUBLIC.ORDERS').map((g) => `${g.privilege} ${g.to}`)).toContain(
      'SELECT ANALYST',
    );
  });

  it("re-establishes the connection after it is reset mid-sync (the first query's connection destroyed)", async () => {
    const viaProxy = emulatorConnector(proxy.url);
    const rigViaProxy = { ...rig, deps: { ...rig.deps, connector: viaProxy } };
    try {
      drift('ORDERS');
      proxy.failMatching(/query-request/, 1);
      const {
        r: { header },
        ms,
      } = await timed(() => syncOnce(rigViaProxy, [table('ORDERS')]));
      expect(proxy.refused()).toBe(1);
      expect(header.status).toBe('SUCCESS');
      expect(grantsApplied().filter((s) => s.includes('"ORDERS" TO ROLE "ANALYST"'))).toHaveLength(1);
      console.log(`connection reset during the load query: SUCCESS after ${ms} ms`);
      proxy.failMatching(/query-request/, 1);
      drift('ORDERS');
      expect((await syncOnce(rigViaProxy, [table('ORDERS')])).header.status).toBe('SUCCESS');
      expect(proxy.refused()).toBe(2);
    } finally {
      await viaProxy.close();
    }
  }, 60_000);
});

describe('Databricks faults', () => {
  it('fails the resource with a credentials message while the workspace refuses the token, and reconnects once it accepts it', async () => {
    dbx.emulator.control.refuseLogins(true);
    const refused = await databricksSync(dbx, [dbxTable('orders')]);
    expect(refused.header.status).toBe('FAILED');
    expect(refused.rows[0]!.message).toMatch(/Databricks refused the credentials/);
    dbx.emulator.control.refuseLogins(false);
    const back = await databricksSync(dbx, [dbxTable('orders')]);
    expect(back.header.status).toBe('SUCCESS');
  }, 60_000);

  // One retry policy (shared/connectors/retry-policy.ts): a statement is sent 3 times at most, whichever layer
  // would have retried it. A GRANT whose session keeps ending was once reopened by the session and retried by the
  // connector on top, four sends and more.
  it('sends a statement 3 times at most when its session keeps ending, then fails the resource saying so', async () => {
    const { metastore } = dbx.emulator;
    await databricksSync(dbx, [dbxTable('orders')]);
    metastore.revoke('analysts', ['SELECT'], metastore.resolve('TABLE', ['main', 'sales', 'orders']));
    const grant = '^GRANT SELECT ON TABLE `main`.`sales`.`orders` TO `analysts`';
    for (const nth of [1, 2, 3])
      dbx.emulator.control.failStatement(
        { pattern: grant, nth },
        { code: 'SESSION', message: 'Invalid SessionHandle: the session has expired' },
      );
    dbx.emulator.control.reset();
    const { header, rows } = await databricksSync(dbx, [dbxTable('orders')]);
    const sent = dbx.emulator.control.statements().filter((st) => new RegExp(grant).test(st.sql));
    expect(sent.map((st) => st.ok)).toEqual([false, false, false]);
    expect(header.status).toBe('FAILED');
    expect(rows[0]!.message).toMatch(/Invalid SessionHandle.*\(after 3 attempts\)/);
    await databricksSync(dbx, [dbxTable('orders')]); // converges once the session holds
    expect(metastore.hasGrant('analysts', 'SELECT', 'TABLE', 'main.sales.orders')).toBe(true);
  }, 60_000);
});
