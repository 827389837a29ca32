import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../../dev/emulators/snowflake/index.js';
import type { ConnectorError } from '../../shared/connectors/errors.js';
import { SnowflakeSession } from '../../shared/connectors/snowflake/session.js';
import { failureOf } from '../support/failure-of.js';

/*
 * The emulator's visibility rule through the real driver: INFORMATION_SCHEMA shows a role only the objects it, or a
 * role granted to it, holds a privilege on (MANAGE GRANTS does not count there); SHOW GRANTS ON an object answers to
 * MANAGE GRANTS or a privilege on it, and to anyone else exactly as for a missing object.
 */
let emulator: SnowflakeEmulator;
let sync: SnowflakeSession;
let blind: SnowflakeSession;
const ON_PUBLIC = { type: 'SCHEMA', name: 'SALES.PUBLIC' } as const;

beforeAll(async () => {
  emulator = await startSnowflakeEmulator({
    catalog: {
      databases: [
        {
          name: 'SALES',
          schemas: [
            {
              name: 'PUBLIC',
              tables: [
                { name: 'ORDERS', columns: [{ name: 'ID' }] },
                { name: 'HIDDEN', columns: [{ name: 'SSN' }] },
                { name: 'SHARED', columns: [{ name: 'ID' }] },
              ],
            },
            { name: 'VAULT', tables: [] },
          ],
        },
      ],
      roles: [{ name: 'POLICYSYNC' }, { name: 'READERS' }, { name: 'OUTSIDER' }, { name: 'BLIND' }],
      grants: [
        { privilege: 'USAGE', on: { type: 'DATABASE', name: 'SALES' }, to: 'POLICYSYNC' },
        { privilege: 'USAGE', on: ON_PUBLIC, to: 'POLICYSYNC' },
        { privilege: 'REFERENCES', on: { type: 'TABLE', name: 'SALES.PUBLIC.ORDERS' }, to: 'POLICYSYNC' },
        { privilege: 'OWNERSHIP', on: { type: 'TABLE', name: 'SALES.PUBLIC.HIDDEN' }, to: 'OUTSIDER' },
        { privilege: 'SELECT', on: { type: 'TABLE', name: 'SALES.PUBLIC.HIDDEN' }, to: 'OUTSIDER' },
        { privilege: 'OWNERSHIP', on: { type: 'TABLE', name: 'SALES.PUBLIC.SHARED' }, to: 'OUTSIDER' },
        // Held by a role granted to POLICYSYNC: visible through the hierarchy.
        { privilege: 'SELECT', on: { type: 'TABLE', name: 'SALES.PUBLIC.SHARED' }, to: 'READERS' },
        { privilege: 'OWNERSHIP', on: { type: 'SCHEMA', name: 'SALES.VAULT' }, to: 'OUTSIDER' },
        { privilege: 'USAGE', on: { type: 'SCHEMA', name: 'SALES.VAULT' }, to: 'READERS' },
      ],
      roleGrants: [{ role: 'READERS', to: { type: 'ROLE', name: 'POLICYSYNC' } }],
      accountGrants: [{ privilege: 'MANAGE GRANTS', to: 'POLICYSYNC' }],
    },
    users: [
      { name: 'SYNC', password: 'sync-password-5521', role: 'POLICYSYNC' },
      { name: 'NOBODY', password: 'nobody-password-7310', role: 'BLIND' },
    ],
  });
  const as = (username: string, password: string) =>
    new SnowflakeSession({ account: 'emu', username, password, accessUrl: emulator.url });
  sync = as('SYNC', 'sync-password-5521');
  blind = as('NOBODY', 'nobody-password-7310');
});
afterAll(async () => {
  await Promise.all([sync?.close(), blind?.close()]);
  await emulator?.stop();
});

const failure = (p: Promise<unknown>) => failureOf<ConnectorError>(p);
const names = (rows: Record<string, unknown>[], ...columns: string[]) =>
  rows.map((r) => columns.map((c) => String(r[c])).join('.')).sort();

describe('Snowflake emulator: INFORMATION_SCHEMA shows a role only what it holds a privilege on', () => {
  it('lists tables, columns and table grants of the objects the role or a role below it holds something on', async () => {
    const tables = await sync.query("SELECT * FROM SALES.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'");
    expect(names(tables, 'TABLE_NAME')).toEqual(['ORDERS', 'SHARED']);
    const columns = await sync.query('SELECT * FROM SALES.INFORMATION_SCHEMA.COLUMNS');
    expect(names(columns, 'TABLE_NAME', 'COLUMN_NAME')).toEqual(['ORDERS.ID', 'SHARED.ID']);
    const grants = await sync.query('SELECT * FROM SALES.INFORMATION_SCHEMA.TABLE_PRIVILEGES');
    expect(grants.filter((g) => g.TABLE_NAME === 'HIDDEN')).toEqual([]);
    expect(names(grants, 'TABLE_NAME', 'PRIVILEGE_TYPE', 'GRANTEE')).toContain('SHARED.OWNERSHIP.OUTSIDER');
  });

  it('lists schemas and their grants the same way, MANAGE GRANTS notwithstanding', async () => {
    await sync.query('REVOKE USAGE ON SCHEMA SALES.VAULT FROM ROLE READERS');
    try {
      const schemata = await sync.query('SELECT SCHEMA_NAME FROM SALES.INFORMATION_SCHEMA.SCHEMATA');
      expect(names(schemata, 'SCHEMA_NAME')).toEqual(['INFORMATION_SCHEMA', 'PUBLIC']);
      const objects = await sync.query('SELECT * FROM SALES.INFORMATION_SCHEMA.OBJECT_PRIVILEGES');
      expect(objects.filter((o) => o.OBJECT_NAME === 'VAULT')).toEqual([]);
    } finally {
      await sync.query('GRANT USAGE ON SCHEMA SALES.VAULT TO ROLE READERS');
    }
    const schemata = await sync.query('SELECT SCHEMA_NAME FROM SALES.INFORMATION_SCHEMA.SCHEMATA');
    expect(names(schemata, 'SCHEMA_NAME')).toContain('VAULT');
  });

  it('answers POLICY_REFERENCES on a table the role may not see as for a missing one', async () => {
    const err = await failure(
      sync.query(
        "SELECT * FROM TABLE(SALES.INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => 'SALES.PUBLIC.HIDDEN', REF_ENTITY_DOMAIN => 'table'))",
      ),
    );
    expect(err.detail?.warehouseCode).toBe('002003');
  });

  it('answers a role that holds nothing on the database as if it did not exist', async () => {
    const err = await failure(blind.query('SELECT * FROM SALES.INFORMATION_SCHEMA.TABLES'));
    expect(err.detail?.warehouseCode).toBe('002003');
    expect(err.message).toContain("Database 'SALES' does not exist or not authorized.");
  });
});

describe('Snowflake emulator: SHOW answers to MANAGE GRANTS', () => {
  it('lists every object and the grants on one the role cannot see in INFORMATION_SCHEMA', async () => {
    const objects = await sync.query('SHOW OBJECTS IN DATABASE SALES');
    expect(objects.map((o) => o.name)).toContain('HIDDEN');
    const grants = await sync.query('SHOW GRANTS ON TABLE SALES.PUBLIC.HIDDEN');
    expect(names(grants, 'privilege', 'grantee_name')).toEqual(['OWNERSHIP.OUTSIDER', 'SELECT.OUTSIDER']);
  });

  it('answers a role with neither MANAGE GRANTS nor a privilege exactly as for a missing object', async () => {
    const hidden = await failure(blind.query('SHOW GRANTS ON TABLE SALES.PUBLIC.HIDDEN'));
    const missing = await failure(blind.query('SHOW GRANTS ON TABLE SALES.PUBLIC.NOPE'));
    expect(hidden.detail?.warehouseCode).toBe('002003');
    expect(hidden.message).toBe(missing.message.replace('NOPE', 'HIDDEN'));
    expect(hidden.message).toContain("Table 'SALES.PUBLIC.HIDDEN' does not exist or not authorized.");
  });
});
