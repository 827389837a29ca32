import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../../dev/emulators/snowflake/index.js';
import type { ConnectorError } from '../../shared/connectors/errors.js';
import { SnowflakeSession } from '../../shared/connectors/snowflake/session.js';
import { failureOf } from '../support/failure-of.js';

// The real driver (through the connector's session) against the emulator's role hierarchy and users.
let emulator: SnowflakeEmulator;
let session: SnowflakeSession;
beforeAll(async () => {
  emulator = await startSnowflakeEmulator({
    catalog: {
      roles: [{ name: 'ANALYST' }, { name: 'ANALYST_LEAD' }, { name: 'FINANCE' }],
      users: [{ name: 'ALICE' }, { name: 'BOB' }],
      roleGrants: [{ role: 'ANALYST', to: { type: 'USER', name: 'ALICE' } }],
    },
  });
  session = new SnowflakeSession({
    account: 'emu',
    username: 'POLICYSYNC',
    password: 'emulator',
    accessUrl: emulator.url,
  });
});
afterAll(async () => {
  await session.close();
  await emulator.stop();
});

const failure = (p: Promise<unknown>) => failureOf<ConnectorError>(p);

describe('Snowflake emulator: roles granted to users and roles', () => {
  it('lists who holds a role with SHOW GRANTS OF ROLE, in its columns', async () => {
    await session.query('GRANT ROLE "ANALYST" TO ROLE "ANALYST_LEAD"');
    const rows = await session.query('SHOW GRANTS OF ROLE "ANALYST"');
    expect(Object.keys(rows[0]!)).toEqual(['created_on', 'role', 'granted_to', 'grantee_name', 'granted_by']);
    expect(rows.map((r) => `${r.granted_to} ${r.grantee_name}`).sort()).toEqual(['ROLE ANALYST_LEAD', 'USER ALICE']);
  });

  it("lists a user's roles with SHOW GRANTS TO USER, and a role's roles as USAGE ON ROLE with SHOW GRANTS TO ROLE", async () => {
    await session.query('GRANT ROLE "FINANCE" TO USER "BOB"');
    await session.query('GRANT ROLE "FINANCE" TO ROLE "ANALYST"');
    const bob = await session.query('SHOW GRANTS TO USER "BOB"');
    expect(bob.map((r) => [r.privilege, r.granted_on, r.role, r.granted_to, r.grantee_name])).toEqual([
      ['USAGE', 'ROLE', 'FINANCE', 'USER', 'BOB'],
    ]);
    const analyst = await session.query('SHOW GRANTS TO ROLE "ANALYST"');
    expect(analyst.filter((r) => r.granted_on === 'ROLE').map((r) => r.name)).toEqual(['FINANCE']);
    const roles = await session.query("SHOW ROLES LIKE 'FINANCE'");
    expect([roles[0]!.assigned_to_users, roles[0]!.granted_to_roles]).toEqual([1, 1]);
  });

  it('revokes a role; granting twice and revoking what is not held both succeed', async () => {
    await session.query('GRANT ROLE "ANALYST" TO USER "ALICE"');
    await session.query('REVOKE ROLE "ANALYST" FROM USER "ALICE"');
    await session.query('REVOKE ROLE "ANALYST" FROM USER "ALICE"');
    expect(await session.query('SHOW GRANTS TO USER "ALICE"')).toEqual([]);
  });

  it('refuses a missing role or user (002003) and a grant that closes a cycle', async () => {
    expect((await failure(session.query('GRANT ROLE "NOPE" TO USER "ALICE"'))).message).toMatch(
      /Role 'NOPE' does not exist/,
    );
    expect((await failure(session.query('GRANT ROLE "ANALYST" TO USER "CAROL"'))).message).toMatch(
      /User 'CAROL' does not exist/,
    );
    await session.query('GRANT ROLE "ANALYST" TO ROLE "ANALYST_LEAD"');
    expect((await failure(session.query('GRANT ROLE "ANALYST_LEAD" TO ROLE "ANALYST"'))).message).toMatch(/cycle/);
  });

  it('creates a user with CREATE USER IF NOT EXISTS, shown by SHOW USERS without a password', async () => {
    await session.query(`CREATE USER IF NOT EXISTS "x""; DROP USER y; --" COMMENT = 'made by a test'`);
    await session.query(`CREATE USER IF NOT EXISTS "x""; DROP USER y; --"`);
    const users = await session.query('SHOW USERS');
    const made = users.find((u) => u.name === 'x"; DROP USER y; --');
    expect(made).toMatchObject({ comment: 'made by a test', has_password: 'false' });
    expect(users.map((u) => u.name)).toEqual(expect.arrayContaining(['ALICE', 'BOB']));
  });

  it('keeps a role comment from CREATE ROLE ... COMMENT and drops its memberships with the role', async () => {
    await session.query(`CREATE ROLE IF NOT EXISTS "TEMP" COMMENT = 'managed by policysync'`);
    await session.query('GRANT ROLE "TEMP" TO USER "BOB"');
    expect((await session.query("SHOW ROLES LIKE 'TEMP'"))[0]!.comment).toBe('managed by policysync');
    emulator.account.dropRole('TEMP');
    expect((await session.query('SHOW GRANTS TO USER "BOB"')).map((r) => r.role)).not.toContain('TEMP');
  });
});
