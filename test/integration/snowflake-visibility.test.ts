import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SnowflakeCatalog } from '../../dev/emulators/snowflake/index.js';
import type { SnowflakeConnector } from '../../shared/connectors/snowflake/snowflake-connector.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { maskingConnector } from '../support/snowflake-masking.js';
import { emulatorConnector, type SnowflakeRig, startSnowflakeRig, syncOnce, table } from '../support/snowflake-sync.js';

/*
 * policysync runs as POLICYSYNC with MANAGE GRANTS, as docs/setup-snowflake.md sets it up, but without the REFERENCES
 * grants that make every object visible in INFORMATION_SCHEMA. An object owned outside its role hierarchy exists
 * (SHOW GRANTS answers) but is hidden there: the sync must fail it, naming the role and the grant, never skip it.
 */
const ROLE = 'POLICYSYNC';
const catalog: SnowflakeCatalog = {
  databases: [
    {
      name: 'SALES',
      schemas: [
        {
          name: 'PUBLIC',
          tables: ['LEDGER', 'SHARED', 'ORDERS'].map((name) => ({ name, columns: [{ name: 'ID' }] })),
        },
        { name: 'FINANCE', tables: [{ name: 'INVOICES', columns: [{ name: 'ID' }] }] },
      ],
    },
  ],
  roles: [ROLE, 'TEAM', 'OUTSIDER', 'ANALYST', 'AUDITOR', 'FINANCE_READER'].map((name) => ({ name })),
  grants: [
    { privilege: 'USAGE', on: { type: 'DATABASE', name: 'SALES' }, to: ROLE },
    { privilege: 'USAGE', on: { type: 'SCHEMA', name: 'SALES.PUBLIC' }, to: ROLE },
    { privilege: 'REFERENCES', on: { type: 'TABLE', name: 'SALES.PUBLIC.ORDERS' }, to: ROLE },
    // Owned by a role outside POLICYSYNC's hierarchy, with drift no policy asks for.
    { privilege: 'OWNERSHIP', on: { type: 'TABLE', name: 'SALES.PUBLIC.LEDGER' }, to: 'OUTSIDER' },
    { privilege: 'SELECT', on: { type: 'TABLE', name: 'SALES.PUBLIC.LEDGER' }, to: 'AUDITOR' },
    { privilege: 'OWNERSHIP', on: { type: 'SCHEMA', name: 'SALES.FINANCE' }, to: 'OUTSIDER' },
    // Owned by a role granted to POLICYSYNC: visible through the hierarchy.
    { privilege: 'OWNERSHIP', on: { type: 'TABLE', name: 'SALES.PUBLIC.SHARED' }, to: 'TEAM' },
  ],
  roleGrants: [{ role: 'TEAM', to: { type: 'ROLE', name: ROLE } }],
  accountGrants: [{ privilege: 'MANAGE GRANTS', to: ROLE }],
};

let base: SnowflakeRig;
let rig: SnowflakeRig;
let connector: SnowflakeConnector;
beforeAll(async () => {
  base = await startSnowflakeRig(catalog);
  connector = emulatorConnector(base.emulator.url, undefined, ROLE);
  rig = { ...base, connector, deps: { ...base.deps, connector } };
});
afterAll(async () => {
  await connector?.close();
  await base?.stop();
});
beforeEach(() => base.emulator.control.reset());

const held = (name: string) => base.emulator.account.grantsOn(name).map((g) => `${g.privilege} ${g.to}`);
const statements = () => base.emulator.control.statements().map((s) => s.sql);
const schema = (name: string): ResourceRef => ({ type: 'schema', values: { database: 'SALES', schema: name } });

describe('an object that exists but that our role cannot see in INFORMATION_SCHEMA', () => {
  it('fails a table owned outside our hierarchy, naming the role and the grant that fixes it, and changes nothing', async () => {
    const { header, rows } = await syncOnce(rig, [table('LEDGER')]);
    expect(header.status).toBe('FAILED');
    expect(rows[0]!.status).toBe('FAILED');
    expect(rows[0]!.message).toContain(`table SALES.PUBLIC.LEDGER exists but is not visible to role ${ROLE}`);
    expect(rows[0]!.message).toContain(`GRANT REFERENCES ON TABLE "SALES"."PUBLIC"."LEDGER" TO ROLE "${ROLE}"`);
    expect(rows[0]!.message).toContain('docs/setup-snowflake.md#seeing-every-object');
    expect(held('SALES.PUBLIC.LEDGER').sort()).toEqual(['OWNERSHIP OUTSIDER', 'SELECT AUDITOR']);
    expect(statements().filter((s) => /^\s*(GRANT|REVOKE)/i.test(s))).toEqual([]);
    expect(statements()).toContain('SHOW GRANTS ON TABLE "SALES"."PUBLIC"."LEDGER"');
  });

  it('fails a schema owned outside our hierarchy with the USAGE grant, and a column of a hidden table with REFERENCES', async () => {
    const { rows } = await syncOnce(rig, [
      schema('FINANCE'),
      { type: 'column', values: { database: 'SALES', schema: 'PUBLIC', table: 'LEDGER', column: 'ID' } },
    ]);
    expect(rows.map((r) => r.status)).toEqual(['FAILED', 'FAILED']);
    expect(rows[0]!.message).toContain(`GRANT USAGE ON SCHEMA "SALES"."FINANCE" TO ROLE "${ROLE}"`);
    expect(rows[1]!.message).toContain(`GRANT REFERENCES ON TABLE "SALES"."PUBLIC"."LEDGER" TO ROLE "${ROLE}"`);
  });

  it('still skips what does not exist, and a missing column of a visible table without asking SHOW GRANTS', async () => {
    const { header, rows } = await syncOnce(rig, [
      table('NOPE'),
      schema('NOWHERE'),
      { type: 'column', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS', column: 'NOPE' } },
    ]);
    expect(rows.map((r) => r.status)).toEqual(['SKIPPED', 'SKIPPED', 'SKIPPED']);
    expect(header.status).not.toBe('FAILED');
    expect(rows[0]!.message).toContain('not found');
    expect(statements().filter((s) => s.startsWith('SHOW GRANTS ON'))).toEqual([
      'SHOW GRANTS ON TABLE "SALES"."PUBLIC"."NOPE"',
      'SHOW GRANTS ON SCHEMA "SALES"."NOWHERE"',
    ]);
  });

  it('syncs a table owned by a role granted to ours, reading it in one statement with no SHOW GRANTS', async () => {
    const { header, rows } = await syncOnce(rig, [table('SHARED')]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(held('SALES.PUBLIC.SHARED')).toContain('SELECT ANALYST');
    expect(statements().filter((s) => s.startsWith('SHOW GRANTS ON'))).toEqual([]);
  });

  it('fails the hidden table the same way when masking is synced (POLICY_REFERENCES refuses it outright)', async () => {
    const masked = maskingConnector(base.emulator, false, ROLE);
    try {
      await expect(masked.load(table('LEDGER'))).rejects.toMatchObject({
        code: 'NOT_VISIBLE',
        message: expect.stringContaining(`GRANT REFERENCES ON TABLE "SALES"."PUBLIC"."LEDGER" TO ROLE "${ROLE}"`),
      });
      expect(await masked.load(table('NOPE'))).toBe('not_found');
    } finally {
      await masked.close();
    }
  });

  it('syncs the hidden table once the grant the message names is in place', async () => {
    base.emulator.account.grant({
      privilege: 'REFERENCES',
      on: { type: 'TABLE', path: ['SALES', 'PUBLIC', 'LEDGER'] },
      grantee: ROLE,
      grantedBy: 'OUTSIDER',
      grantOption: false,
    });
    const { header, rows } = await syncOnce(rig, [table('LEDGER')]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(rows[0]!.result!.revoked).toEqual(['SELECT ON TABLE SALES.PUBLIC.LEDGER FROM ROLE AUDITOR']);
    expect(held('SALES.PUBLIC.LEDGER')).toContain('SELECT ANALYST');
  });
});
