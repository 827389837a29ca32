import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabricksCatalog } from '../../dev/emulators/databricks/index.js';
import { type DatabricksRig, fixture, startDatabricksRig, syncOnce, table } from '../support/databricks-sync.js';

// policysync as the README sets it up: a service principal, not a metastore admin, owning no governed catalog.
const SP = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const OWNERS = 'data owners';
const WIDE = 24;
const strings = (...names: string[]) => names.map((name) => ({ name, type: 'string' }));
const catalog: DatabricksCatalog = {
  catalogs: [
    {
      name: 'gov',
      owner: OWNERS,
      schemas: [
        {
          name: 'sales',
          tables: [
            { name: 'orders', owner: 'alice@example.com', columns: strings('id') },
            { name: 'customers', owner: 'alice@example.com', columns: strings('id') },
          ],
        },
        {
          name: 'wide',
          tables: Array.from({ length: WIDE }, (_, i) => ({ name: `t${i}`, owner: 'alice@example.com', columns: [] })),
        },
      ],
    },
    {
      name: 'vault',
      owner: OWNERS,
      schemas: [{ name: 'hr', tables: [{ name: 'salaries', owner: OWNERS, columns: strings('id') }] }],
    },
  ],
  principals: [
    { kind: 'user', name: 'admin@example.com' },
    { kind: 'user', name: 'alice@example.com' },
    { kind: 'service_principal', name: SP },
    { kind: 'group', name: OWNERS, members: ['alice@example.com'] },
    { kind: 'group', name: 'analysts' },
    { kind: 'group', name: 'auditors' },
  ],
  grants: [
    // What the README gives policysync on a governed catalog (MANAGE there reaches every object below).
    { principal: SP, privilege: 'USE CATALOG', on: { type: 'CATALOG', name: 'gov' } },
    { principal: SP, privilege: 'USE SCHEMA', on: { type: 'CATALOG', name: 'gov' } },
    { principal: SP, privilege: 'MANAGE', on: { type: 'CATALOG', name: 'gov' } },
    // Drift no policy asks for, made by the owners: policysync must see it to revoke it.
    { principal: 'auditors', privilege: 'SELECT', on: { type: 'TABLE', name: 'gov.sales.orders' } },
    { principal: 'auditors', privilege: 'CREATE SCHEMA', on: { type: 'CATALOG', name: 'gov' } },
    { principal: 'auditors', privilege: 'SELECT', on: { type: 'TABLE', name: 'vault.hr.salaries' } },
  ],
};

let rig: DatabricksRig;
beforeAll(async () => {
  rig = await startDatabricksRig(catalog, fixture('visibility-policies.json'), {
    user: SP,
    metastoreAdmins: ['admin@example.com'],
  });
});
afterAll(async () => {
  await rig.stop();
});
beforeEach(() => rig.emulator.control.reset());

const held = (type: 'CATALOG' | 'SCHEMA' | 'TABLE', name: string) =>
  rig.emulator.metastore.grantsOn(type, name).map((g) => `${g.privilege} ${g.principal}`);
const grantToUs = (privileges: string[], name: string) =>
  rig.emulator.metastore.grant(SP, privileges, rig.emulator.metastore.resolve('CATALOG', [name]), 'admin@example.com');

describe('Unity Catalog grants as a MANAGE holder reads them (the README setup)', () => {
  it("revokes another principal's drifted grant on a table of a schema it syncs", async () => {
    const { header, rows } = await syncOnce(rig, [{ type: 'schema', values: { catalog: 'gov', schema: 'sales' } }]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(rows[0]!.result!.revoked).toContain('SELECT ON TABLE gov.sales.orders FROM GROUP auditors');
    expect(held('TABLE', 'gov.sales.orders')).not.toContain('SELECT auditors');
    expect(held('TABLE', 'gov.sales.orders')).toContain('SELECT analysts');
  });

  it("revokes another principal's drifted grant on a catalog it syncs", async () => {
    const { header, rows } = await syncOnce(rig, [{ type: 'catalog', values: { catalog: 'gov' } }]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(held('CATALOG', 'gov')).not.toContain('CREATE SCHEMA auditors');
    expect(held('CATALOG', 'gov')).toEqual(expect.arrayContaining(['USE CATALOG analysts', `MANAGE ${SP}`]));
  });

  it('reads each object of a schema with its own SHOW GRANTS, never the privilege views', async () => {
    await syncOnce(rig, [{ type: 'schema', values: { catalog: 'gov', schema: 'sales' } }]);
    const reads = rig.emulator.control.statements().map((s) => s.sql);
    expect(reads.filter((s) => /_privileges/i.test(s))).toEqual([]);
    expect(reads).toEqual(
      expect.arrayContaining([
        'SHOW GRANTS ON SCHEMA `gov`.`sales`',
        'SHOW GRANTS ON TABLE `gov`.`sales`.`orders`',
        'SHOW GRANTS ON TABLE `gov`.`sales`.`customers`',
      ]),
    );
  });
});

describe('an object that exists but that policysync may not see is never skipped as not found', () => {
  it('fails a table outside its reach, naming the service principal and the grant that fixes it, and changes nothing', async () => {
    const { header, rows } = await syncOnce(rig, [table('salaries', 'hr', 'vault')]);
    expect(header.status).toBe('FAILED');
    expect(rows[0]!.status).toBe('FAILED');
    expect(rows[0]!.message).toContain(`table vault.hr.salaries is not visible to ${SP}`);
    expect(rows[0]!.message).toContain(`GRANT USE CATALOG, USE SCHEMA, MANAGE ON CATALOG \`vault\` TO \`${SP}\``);
    expect(held('TABLE', 'vault.hr.salaries')).toEqual(['SELECT auditors']);
  });

  it('fails its schema and its catalog the same way', async () => {
    const { rows } = await syncOnce(rig, [
      { type: 'schema', values: { catalog: 'vault', schema: 'hr' } },
      { type: 'catalog', values: { catalog: 'vault' } },
    ]);
    expect(rows.map((r) => r.status)).toEqual(['FAILED', 'FAILED']);
    expect(rows[0]!.message).toContain(`schema vault.hr is not visible to ${SP}`);
    expect(rows[1]!.message).toContain(`catalog vault is not visible to ${SP}`);
  });

  it('fails a missing table in a catalog it may not use (it cannot tell), and skips what is missing where it can tell', async () => {
    const { rows } = await syncOnce(rig, [
      table('nope', 'hr', 'vault'),
      table('nope'.repeat(2), 'sales', 'gov'),
      { type: 'catalog', values: { catalog: 'nowhere' } },
    ]);
    expect(rows.map((r) => r.status)).toEqual(['FAILED', 'SKIPPED', 'SKIPPED']);
    expect(rows[1]!.message).toContain('not found');
  });

  it('syncs the same table once the grant the message names is in place', async () => {
    grantToUs(['USE CATALOG', 'USE SCHEMA', 'MANAGE'], 'vault');
    const { header, rows } = await syncOnce(rig, [table('salaries', 'hr', 'vault')]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(rows[0]!.result!.revoked).toEqual(['SELECT ON TABLE vault.hr.salaries FROM GROUP auditors']);
    expect(held('TABLE', 'vault.hr.salaries')).toEqual(['SELECT analysts']);
  });
});

describe('what reading a schema costs', () => {
  it(`reads a schema of ${WIDE} tables in ${WIDE + 5} round trips: its listings (three statements and one REST call) beside its own grants, then every object side by side`, async () => {
    const wide = { type: 'schema', values: { catalog: 'gov', schema: 'wide' } };
    await rig.connector.load(wide); // who we are is read once per instance: not part of a schema's cost
    rig.emulator.control.reset();
    const loaded = await rig.connector.load(wide);
    expect(loaded !== 'not_found' && loaded.objects).toHaveLength(WIDE + 1);
    const statements = rig.emulator.control.roundTrips();
    expect(statements).toBe(WIDE + 5);

    // Each statement is several HTTP calls; with latency on every call, one after another would take at least
    // (WIDE + 5) x 5 x latency. Side by side (DATABRICKS_MAX_CONCURRENCY, default 8) it takes a few waves.
    const latency = 20;
    rig.emulator.control.setLatency(latency);
    try {
      const started = performance.now();
      await rig.connector.load(wide);
      const ms = performance.now() - started;
      console.log(
        `Databricks schema of ${WIDE} tables: ${statements} round trips, ${Math.round(ms)} ms at ${latency} ms per HTTP call`,
      );
      expect(ms).toBeLessThan(((WIDE + 5) * 5 * latency) / 2);
    } finally {
      rig.emulator.control.setLatency(0);
    }
  });
});
