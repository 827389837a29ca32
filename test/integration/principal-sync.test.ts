import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SnowflakeCatalog } from '../../dev/emulators/snowflake/index.js';
import { MANAGED_ROLE_COMMENT } from '../../shared/connectors/snowflake/membership.js';
import {
  type PrincipalRig,
  principalTask,
  runPrincipalTask,
  startPrincipalRig,
  syncPrincipals,
} from '../support/principal-sync.js';

const HOSTILE_GROUP = 'x"; DROP ROLE analysts; --';
const HOSTILE_USER = 'eve"; DROP USER alice; --';

const catalog: SnowflakeCatalog = {
  roles: [
    { name: 'ANALYSTS' },
    { name: 'FINANCE' },
    { name: 'LEGACY_OPS' },
    { name: 'POLICYSYNC_ADMIN' },
    { name: 'HAND_MADE' },
    { name: 'GONE_TEAM', comment: MANAGED_ROLE_COMMENT },
  ],
  users: [{ name: 'ALICE' }, { name: 'BOB' }, { name: 'CAROL' }, { name: 'DAVE' }],
  roleGrants: [
    { role: 'ANALYSTS', to: { type: 'USER', name: 'BOB' } },
    { role: 'LEGACY_OPS', to: { type: 'USER', name: 'ALICE' } },
    { role: 'POLICYSYNC_ADMIN', to: { type: 'USER', name: 'DAVE' } },
    { role: 'HAND_MADE', to: { type: 'USER', name: 'BOB' } },
    { role: 'GONE_TEAM', to: { type: 'USER', name: 'CAROL' } },
  ],
};

const ranger = {
  users: ['alice', 'bob', 'carol', 'dave'],
  groups: [
    { name: 'analysts', members: ['alice'] },
    { name: 'finance', members: ['bob', 'carol'] },
    { name: 'legacy_ops', members: ['carol'] },
    { name: 'policysync_admin', members: [] },
  ],
  roles: [{ name: 'analytics_lead', users: ['dave'], groups: ['analysts'], roles: ['auditor'] }, { name: 'auditor' }],
};

let rig: PrincipalRig;
beforeAll(async () => {
  rig = await startPrincipalRig(catalog, { role: 'POLICYSYNC_ADMIN', exclude: ['LEGACY_*'] });
});
afterAll(() => rig.stop());
beforeEach(async () => {
  await rig.ranger(ranger);
  rig.emulator.control.reset();
});

const log = () => rig.emulator.control.statements().map((s) => s.sql);
const writes = () => log().filter((s) => /^\s*(GRANT|REVOKE|CREATE|DROP|BEGIN)/i.test(s));
const holders = (role: string) =>
  rig.emulator.account
    .roleGrants((g) => g.role === role)
    .map((g) => `${g.grantee.type} ${g.grantee.name}`)
    .sort();

describe('PRINCIPAL_SYNC on Snowflake through the real driver, the emulator, the worker and Azurite', () => {
  it("adds a group's new member and revokes the one Ranger no longer has, grants first", async () => {
    const { header, rows } = await syncPrincipals(rig, [{ type: 'group', name: 'analysts' }]);
    expect(header.type).toBe('PRINCIPAL_SYNC');
    expect(header.status).toBe('SUCCESS');
    expect(holders('ANALYSTS')).toEqual(['USER ALICE']);
    const sql = log();
    const grant = sql.indexOf('GRANT ROLE "ANALYSTS" TO USER "ALICE"');
    const revoke = sql.indexOf('REVOKE ROLE "ANALYSTS" FROM USER "BOB"');
    expect(grant).toBeGreaterThanOrEqual(0);
    expect(revoke).toBeGreaterThan(grant);
    expect(rows[0]!.result!.granted).toEqual(['ROLE ANALYSTS TO USER ALICE']);
    expect(rows[0]!.result!.revoked).toEqual(['ROLE ANALYSTS FROM USER BOB']);
    expect(rows[0]!.result!.statements.map((s) => s.sql)).toEqual([
      'GRANT ROLE "ANALYSTS" TO USER "ALICE"',
      'REVOKE ROLE "ANALYSTS" FROM USER "BOB"',
    ]);
  });

  it('issues no write on a second sync with nothing changed', async () => {
    await syncPrincipals(rig, [{ type: 'group', name: 'finance' }]);
    rig.emulator.control.reset();
    const again = await syncPrincipals(rig, [{ type: 'group', name: 'finance' }]);
    expect(again.rows[0]!.message).toBe('already in sync');
    expect(writes()).toEqual([]);
  });

  it("creates a Ranger role as a Snowflake role held by its users, its groups' roles and its nested roles", async () => {
    const { rows } = await syncPrincipals(rig, [{ type: 'role', name: 'analytics_lead' }]);
    expect(rows[0]!.status).toBe('SUCCESS');
    expect(log()).toEqual(
      expect.arrayContaining([
        `CREATE ROLE IF NOT EXISTS "ANALYTICS_LEAD" COMMENT = '${MANAGED_ROLE_COMMENT}'`,
        `CREATE ROLE IF NOT EXISTS "AUDITOR" COMMENT = '${MANAGED_ROLE_COMMENT}'`,
        'GRANT ROLE "ANALYTICS_LEAD" TO ROLE "ANALYSTS"',
        'GRANT ROLE "ANALYTICS_LEAD" TO ROLE "AUDITOR"',
        'GRANT ROLE "ANALYTICS_LEAD" TO USER "DAVE"',
      ]),
    );
    expect(holders('ANALYTICS_LEAD')).toEqual(['ROLE ANALYSTS', 'ROLE AUDITOR', 'USER DAVE']);
  });

  it('knows, in the rows after it, the roles an earlier row of the same task created', async () => {
    await rig.ranger({
      ...ranger,
      roles: [
        { name: 'reviewer', groups: ['finance'] },
        { name: 'chief', roles: ['reviewer'] },
      ],
    });
    const { rows } = await syncPrincipals(rig, [
      { type: 'role', name: 'reviewer' },
      { type: 'role', name: 'chief' },
    ]);
    expect(rows.map((r) => r.message)).toEqual([
      '2 grant(s) or creation(s), 0 revoke(s) applied',
      '2 grant(s) or creation(s), 0 revoke(s) applied',
    ]);
    expect(rows[1]!.result!.granted).toEqual(['CREATE ROLE CHIEF', 'ROLE CHIEF TO ROLE REVIEWER']);
    expect(log().filter((s) => s.startsWith('CREATE ROLE IF NOT EXISTS "REVIEWER"'))).toHaveLength(1);
  });

  it('reconciles one user across the roles Ranger has, leaving roles Ranger does not know alone', async () => {
    await rig.ranger({
      ...ranger,
      groups: [
        { name: 'analysts', members: ['alice'] },
        { name: 'finance', members: ['bob'] },
      ],
    });
    const { rows } = await syncPrincipals(rig, [{ type: 'user', name: 'bob' }]);
    expect(rows[0]!.status).toBe('SUCCESS');
    const bob = rig.emulator.account.roleGrants((g) => g.grantee.name === 'BOB').map((g) => g.role);
    expect(bob).toContain('FINANCE');
    expect(bob).not.toContain('ANALYSTS');
    expect(bob).toContain('HAND_MADE');
  });

  it('leaves a principal outside the scope untouched, alone or within a sync of every group', async () => {
    const before = holders('LEGACY_OPS');
    const one = await syncPrincipals(rig, [{ type: 'group', name: 'legacy_ops' }]);
    expect(one.rows[0]!.status).toBe('SKIPPED');
    expect(one.rows[0]!.message).toMatch(/outside the managed scope/);
    await syncPrincipals(rig, [{ type: 'group', name: '*' }]);
    expect(holders('LEGACY_OPS')).toEqual(before);
    expect(log().filter((s) => s.includes('LEGACY_OPS'))).toEqual([]);
  });

  it("never touches the connector's own role, even when Ranger has a group of its name", async () => {
    const group = await syncPrincipals(rig, [{ type: 'group', name: 'policysync_admin' }]);
    expect(group.rows[0]!.status).toBe('SKIPPED');
    await syncPrincipals(rig, [
      { type: 'user', name: 'dave' },
      { type: 'group', name: '*' },
    ]);
    expect(holders('POLICYSYNC_ADMIN')).toEqual(['USER DAVE']);
    expect(log().filter((s) => /^(GRANT|REVOKE)/.test(s) && s.includes('POLICYSYNC_ADMIN'))).toEqual([]);
  });

  it('reports an orphaned managed role and never drops it', async () => {
    const { rows } = await syncPrincipals(rig, [{ type: 'group', name: '*' }]);
    expect(rows[0]!.result!.warnings.join('\n')).toMatch(/orphaned managed role\(s\):[^(]*GONE_TEAM/);
    expect(rig.emulator.account.role('GONE_TEAM')).toBeDefined();
    expect(holders('GONE_TEAM')).toEqual(['USER CAROL']);
    expect(log().some((s) => /DROP/i.test(s))).toBe(false);
  });

  it('plans without applying in a dry run', async () => {
    await rig.ranger({ ...ranger, groups: [{ name: 'analysts', members: ['carol'] }] });
    const { rows } = await syncPrincipals(rig, [{ type: 'group', name: 'analysts' }], true);
    expect(rows[0]!.result!.dryRun).toBe(true);
    expect(rows[0]!.result!.plan.map((p) => `${p.op} ${p.object} ${p.principal}`)).toEqual(
      expect.arrayContaining(['GRANT ROLE role ANALYSTS user CAROL']),
    );
    expect(writes()).toEqual([]);
  });

  it('reports a Ranger user missing from Snowflake instead of creating it (the default)', async () => {
    await rig.ranger({ ...ranger, groups: [{ name: 'finance', members: ['bob', 'carol', 'frank'] }] });
    const { rows } = await syncPrincipals(rig, [{ type: 'group', name: 'finance' }]);
    expect(rows[0]!.result!.warnings.join('\n')).toMatch(
      /1 user\(s\) do not exist.*FRANK.*CONNECTOR_SNOWFLAKE_CREATE_MISSING_USERS/s,
    );
    expect(log().some((s) => /CREATE USER/i.test(s))).toBe(false);
  });

  it('quotes hostile group and user names: the statement log holds no injected statement', async () => {
    await rig.ranger({ groups: [{ name: HOSTILE_GROUP, members: [HOSTILE_USER, 'alice'] }] });
    const { rows } = await syncPrincipals(rig, [{ type: 'group', name: HOSTILE_GROUP }]);
    expect(rows[0]!.status).toBe('SUCCESS');
    const role = HOSTILE_GROUP.toUpperCase();
    expect(log()).toEqual(
      expect.arrayContaining([
        `CREATE ROLE IF NOT EXISTS "X""; DROP ROLE ANALYSTS; --" COMMENT = '${MANAGED_ROLE_COMMENT}'`,
        'GRANT ROLE "X""; DROP ROLE ANALYSTS; --" TO USER "ALICE"',
      ]),
    );
    expect(rig.emulator.account.role(role)).toBeDefined();
    expect(rig.emulator.account.role('ANALYSTS')).toBeDefined();
    expect(log().some((s) => /^\s*DROP/i.test(s))).toBe(false);
  });

  it('coalesces a burst: five tasks for one group made before any ran sync it once', async () => {
    await rig.ranger({ ...ranger, groups: [{ name: 'analysts', members: ['alice', 'carol'] }] });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await principalTask(rig, [{ type: 'group', name: 'analysts' }]));
    const results = [];
    for (const id of ids) results.push(await runPrincipalTask(rig, id));
    expect(results.map((r) => r.header.status)).toEqual(Array(5).fill('SUCCESS'));
    expect(log().filter((s) => s === 'SHOW GRANTS OF ROLE "ANALYSTS"')).toHaveLength(1);
    expect(results.slice(1).every((r) => r.rows[0]!.message.startsWith('already in sync since'))).toBe(true);
    expect(holders('ANALYSTS')).toEqual(['USER ALICE', 'USER CAROL']);
  });
});

describe('PRINCIPAL_SYNC creating missing users when CONNECTOR_SNOWFLAKE_CREATE_MISSING_USERS is on', () => {
  let withUsers: PrincipalRig;
  beforeAll(async () => {
    withUsers = await startPrincipalRig(catalog, { createUsers: true });
  });
  afterAll(() => withUsers.stop());

  it('creates the user without a password, quoted, then grants it the role', async () => {
    await withUsers.ranger({ groups: [{ name: 'finance', members: [HOSTILE_USER] }] });
    const { rows } = await syncPrincipals(withUsers, [{ type: 'group', name: 'finance' }]);
    expect(rows[0]!.status).toBe('SUCCESS');
    const user = HOSTILE_USER.toUpperCase();
    const sql = withUsers.emulator.control.statements().map((s) => s.sql);
    expect(sql).toContain(
      `CREATE USER IF NOT EXISTS "EVE""; DROP USER ALICE; --" COMMENT = 'created by policysync from Ranger'`,
    );
    expect(withUsers.emulator.account.user(user)?.hasPassword).toBe(false);
    expect(withUsers.emulator.account.user('ALICE')).toBeDefined();
    expect(withUsers.emulator.account.roleGrants((g) => g.role === 'FINANCE').map((g) => g.grantee.name)).toContain(
      user,
    );
  });
});
