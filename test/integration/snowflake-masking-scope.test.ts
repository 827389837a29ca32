import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnowflakeCatalog } from '../../dev/emulators/snowflake/seed.js';
import { SNOWFLAKE_PRIVILEGES } from '../../shared/connectors/snowflake/profile.js';
import { managedScope, type ScopeSettings } from '../../shared/plan/scope.js';
import type { ResourceRef } from '../../shared/task/request.js';
import {
  type MaskingRig,
  maskingConnector,
  readAs,
  SYSTEM_ROLES,
  startMaskingRig,
  syncMasking,
} from '../support/snowflake-masking.js';

/*
 * Who owns a masking policy, and what the managed scope lets a sync change, through the real driver, the
 * worker and the emulator. SALES.MASKED."X$T" and SALES."MASKED$X".T are two tables whose column C had one
 * policy name under the old scheme (`MASKED$X$T$C$STRING_MASK`).
 */
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
// Quotes, a backslash, a dollar and Unicode: all of it travels in the marker, inside a string literal.
const HOSTILE = 'O\'BRIEN\\"$Ω';
const HOSTILE_COLUMN = 'E\'"\\}';
const catalog: SnowflakeCatalog = {
  databases: [
    {
      name: 'SALES',
      schemas: [
        {
          name: 'MASKED',
          tables: [
            { name: 'X$T', columns: [{ name: 'C', type: 'VARCHAR(20)' }], rows: [{ C: 'mine' }] },
            {
              name: 'PEOPLE',
              columns: [
                { name: 'ID', type: 'NUMBER(38,0)' },
                { name: 'EMAIL', type: 'VARCHAR(100)' },
              ],
              rows: [{ ID: 1, EMAIL: 'ann@example.com' }],
            },
            {
              name: 'ARCHIVE',
              columns: [{ name: 'EMAIL', type: 'VARCHAR(100)' }],
              rows: [{ EMAIL: 'old@example.com' }],
            },
            { name: 'NOTES', columns: [{ name: 'BODY', type: 'VARCHAR(100)' }], rows: [{ BODY: 'note' }] },
            { name: 'LEDGER', columns: [{ name: 'AMOUNT', type: 'NUMBER(12,2)' }] },
            { name: 'JOURNAL', columns: [{ name: 'ENTRY', type: 'VARCHAR(100)' }] },
            {
              name: HOSTILE,
              columns: [{ name: HOSTILE_COLUMN, type: 'VARCHAR(100)' }],
              rows: [{ [HOSTILE_COLUMN]: 'x' }],
            },
          ],
        },
        {
          name: 'MASKED$X',
          tables: [{ name: 'T', columns: [{ name: 'C', type: 'VARCHAR(20)' }], rows: [{ C: 'theirs' }] }],
        },
        {
          name: 'LOCKED',
          tables: [
            {
              name: 'SECRETS',
              columns: [
                { name: 'SSN', type: 'VARCHAR(11)' },
                { name: 'PIN', type: 'VARCHAR(4)' },
              ],
              rows: [{ SSN: '123-45-6789', PIN: '1234' }],
            },
          ],
        },
      ],
    },
  ],
  roles: [{ name: 'ANALYST' }, { name: 'ENGINEER' }, { name: 'SYNC_ADMIN' }],
  grants: [
    // Drift held by the connector's own roles: SNOWFLAKE_ROLE (SYNC_ADMIN) and the service user's default role (SYSADMIN).
    { privilege: 'SELECT', on: { type: 'TABLE', name: 'SALES.MASKED.LEDGER' }, to: 'SYNC_ADMIN' },
    { privilege: 'SELECT', on: { type: 'TABLE', name: 'SALES.MASKED.JOURNAL' }, to: 'SYSADMIN' },
  ],
  // SNOWFLAKE_ROLE sees what SYSADMIN owns: INFORMATION_SCHEMA shows a role only objects it (or a role below it) holds a privilege on.
  roleGrants: [{ role: 'SYSADMIN', to: { type: 'ROLE', name: 'SYNC_ADMIN' } }],
};

const resources = (schema: string, table: string, column?: string) => ({
  database: { values: ['SALES'] },
  schema: { values: [schema] },
  table: { values: [table] },
  ...(column ? { column: { values: [column] } } : {}),
});
const mask = (id: number, schema: string, table: string, column: string, dataMaskType: string, roles: string[]) => ({
  id,
  name: `mask ${id}`,
  policyType: 1,
  isEnabled: true,
  resources: resources(schema, table, column),
  dataMaskPolicyItems: [{ accesses: [{ type: 'select', isAllowed: true }], roles, dataMaskInfo: { dataMaskType } }],
});
const access = (id: number, schema: string, table: string, roles: string[], types: string[]) => ({
  id,
  name: `access ${id}`,
  policyType: 0,
  isEnabled: true,
  resources: resources(schema, table, '*'),
  policyItems: [{ accesses: types.map((type) => ({ type, isAllowed: true })), roles }],
});
const readers = access(1, '*', '*', ['analyst', 'engineer'], ['select']);
const THEIRS = mask(10, 'MASKED$X', 'T', 'C', 'MASK_NULL', ['analyst']);
const MINE = mask(11, 'MASKED', 'X$T', 'C', 'MASK_HASH', ['engineer']);
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
const table = (schema: string, name: string): ResourceRef => ({
  type: 'table',
  values: { database: 'SALES', schema: quoted(schema), table: quoted(name) },
});

let rig: MaskingRig;
beforeAll(async () => {
  rig = await startMaskingRig(catalog, [readers, THEIRS, MINE]);
});
afterAll(async () => {
  await rig.stop();
});

const writes = () =>
  rig.emulator.control
    .statements()
    .map((s) => s.sql)
    .filter((s) => /^\s*(GRANT|REVOKE|CREATE|ALTER|DROP|BEGIN)/i.test(s));
const maskOn = (path: string[], column: string) => rig.emulator.account.policies.maskOn(path, column);
const scoped = (over: Partial<ScopeSettings>) => ({
  ...rig,
  deps: {
    ...rig.deps,
    scope: managedScope({
      ignoreRoles: SYSTEM_ROLES,
      ignoreObjects: [],
      managedPrivileges: SNOWFLAKE_PRIVILEGES,
      ...over,
    }),
  },
});
const admin = (sql: string) => readAs(rig.emulator, 'SYSADMIN', sql, 'POLICYSYNC', 'emulator');
const held = (name: string) => rig.emulator.account.grantsOn(name).map((g) => `${g.privilege} ${g.to}`);

describe('Snowflake masking policies belong to the exact column their marker names', () => {
  it('never alters, detaches or drops the policy of another table whose old policy name was the same', async () => {
    expect((await syncMasking(rig, [table('MASKED$X', 'T')])).header.status).toBe('SUCCESS');
    const theirs = maskOn(['SALES', 'MASKED$X', 'T'], 'C')!;
    const before = JSON.stringify({ path: theirs.path, body: theirs.bodyText, comment: theirs.comment });
    rig.emulator.control.reset();

    const { header, rows } = await syncMasking(rig, [table('MASKED', 'X$T')]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT C FROM SALES."MASKED$X".T')).toEqual([{ C: null }]);
    expect(
      JSON.stringify({
        path: maskOn(['SALES', 'MASKED$X', 'T'], 'C')!.path,
        body: theirs.bodyText,
        comment: theirs.comment,
      }),
    ).toBe(before);
    expect(writes().join('\n')).not.toContain(theirs.path[2]);
    expect(rows[0]!.result!.warnings).toEqual([]);
    const mine = maskOn(['SALES', 'MASKED', 'X$T'], 'C')!;
    expect(mine.path[2]).not.toBe(theirs.path[2]);
    expect(await readAs(rig.emulator, 'ENGINEER', 'SELECT C FROM SALES.MASKED."X$T"')).toEqual([{ C: sha('mine') }]);

    // Its own policy goes when the Ranger policy does; the other table's stays, attached and unchanged.
    rig.policies.set([readers, THEIRS]);
    rig.emulator.control.reset();
    expect((await syncMasking(rig, [table('MASKED', 'X$T')])).header.status).toBe('SUCCESS');
    expect(writes()).toEqual(
      expect.arrayContaining([`DROP MASKING POLICY "SALES"."POLICYSYNC_GOVERNANCE"."${mine.path[2]}"`]),
    );
    expect(writes().join('\n')).not.toContain(theirs.path[2]);
    expect(maskOn(['SALES', 'MASKED$X', 'T'], 'C')?.path).toEqual(theirs.path);
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT C FROM SALES."MASKED$X".T')).toEqual([{ C: null }]);
    rig.policies.set([readers, THEIRS, MINE]);
  });

  it('replaces a policy an earlier version made (its marker names no target) in one statement, and neither alters nor drops it', async () => {
    const legacy = 'SALES.POLICYSYNC_GOVERNANCE."MASKED$PEOPLE$EMAIL$STRING_MASK"';
    await admin('CREATE SCHEMA IF NOT EXISTS SALES.POLICYSYNC_GOVERNANCE');
    await admin(
      `CREATE MASKING POLICY ${legacy} AS (val VARCHAR) RETURNS VARCHAR -> '***' COMMENT = 'policysync:{"ids":[12],"version":"1","hash":"0123456789abcdef"}'`,
    );
    // One object of the earlier names could serve two columns: it masks ARCHIVE.EMAIL too.
    await admin(`ALTER TABLE SALES.MASKED.PEOPLE MODIFY COLUMN EMAIL SET MASKING POLICY ${legacy}`);
    await admin(`ALTER TABLE SALES.MASKED.ARCHIVE MODIFY COLUMN EMAIL SET MASKING POLICY ${legacy}`);
    rig.policies.set([readers, THEIRS, MINE, mask(12, 'MASKED', 'PEOPLE', 'EMAIL', 'MASK_NULL', ['analyst'])]);
    rig.emulator.control.reset();

    const { header, rows } = await syncMasking(rig, [table('MASKED', 'PEOPLE')]);
    expect(maskOn(['SALES', 'MASKED', 'ARCHIVE'], 'EMAIL')?.bodyText).toBe("'***'");
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    const w = writes();
    expect(w).toContainEqual(
      expect.stringMatching(
        /^ALTER TABLE "SALES"\."MASKED"\."PEOPLE" MODIFY COLUMN "EMAIL" SET MASKING POLICY "SALES"\."POLICYSYNC_GOVERNANCE"\."MASKED_PEOPLE_EMAIL_STRING_MASK_[0-9A-F]{64}" FORCE$/,
      ),
    );
    expect(w.join('\n')).not.toContain('MASKED$PEOPLE$EMAIL$STRING_MASK');
    expect(rows[0]!.result!.warnings.join('\n')).toMatch(
      /MASKED\$PEOPLE\$EMAIL\$STRING_MASK was replaced or detached on column SALES\.MASKED\.PEOPLE\.EMAIL but not dropped/,
    );
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT EMAIL FROM SALES.MASKED.PEOPLE')).toEqual([{ EMAIL: null }]);
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT EMAIL FROM SALES.MASKED.ARCHIVE')).toEqual([{ EMAIL: '***' }]);
  });

  it('takes no object for ours that another role owns, however exactly it copies our name and marker', async () => {
    const notes = ['SALES', 'MASKED', 'NOTES'];
    let planted = '"none"';
    rig.policies.set([readers, mask(17, 'MASKED', 'NOTES', 'BODY', 'MASK_NULL', ['analyst'])]);
    try {
      // Learn what our sync makes for NOTES.BODY (anyone can: names and markers follow from the policies), then undo it.
      expect((await syncMasking(rig, [table('MASKED', 'NOTES')])).header.status).toBe('SUCCESS');
      const made = rig.emulator.account.policies.maskOn(notes, 'BODY')!;
      const name = made.path.map(quoted).join('.');
      planted = name;
      await admin('ALTER TABLE SALES.MASKED.NOTES MODIFY COLUMN BODY UNSET MASKING POLICY');
      await admin(`DROP MASKING POLICY ${name}`);
      await admin('REVOKE SELECT ON TABLE SALES.MASKED.NOTES FROM ROLE ANALYST');

      // ENGINEER may create in the governance schema: it plants that very object, marker and all, masking nothing.
      await readAs(
        rig.emulator,
        'ENGINEER',
        `CREATE MASKING POLICY ${name} AS (val VARCHAR) RETURNS VARCHAR -> val COMMENT = '${made.comment!.replaceAll("'", "''")}'`,
      );
      rig.emulator.control.reset();
      const { rows } = await syncMasking(rig, [table('MASKED', 'NOTES')]);

      expect(rig.emulator.account.policies.maskOn(notes, 'BODY')).toBeUndefined();
      expect(rows[0]!.result!.warnings.join('\n')).toMatch(
        /exists but was not created by policysync; it was left alone/,
      );
      // Failing closed: the mask could not be placed, so ANALYST is not given the table either; the plant is left alone.
      expect(writes()).toEqual([]);
      expect(held('SALES.MASKED.NOTES')).not.toContain('SELECT ANALYST');
      expect(rig.emulator.account.policies.get(made.path)?.owner).toBe('ENGINEER');
    } finally {
      await admin('ALTER TABLE SALES.MASKED.NOTES MODIFY COLUMN BODY UNSET MASKING POLICY').catch(() => undefined);
      await admin(`DROP MASKING POLICY IF EXISTS ${planted}`);
      rig.policies.set([readers, THEIRS, MINE]);
    }
  });

  it('knows its own policy of a table whose names hold quotes and backslashes: the marker reads back through the comment', async () => {
    rig.policies.set([readers, mask(16, 'MASKED', HOSTILE, HOSTILE_COLUMN, 'MASK_NULL', ['analyst'])]);
    try {
      expect((await syncMasking(rig, [table('MASKED', HOSTILE)])).header.status).toBe('SUCCESS');
      expect(
        await readAs(
          rig.emulator,
          'ANALYST',
          `SELECT ${quoted(HOSTILE_COLUMN)} AS V FROM SALES.MASKED.${quoted(HOSTILE)}`,
        ),
      ).toEqual([{ V: null }]);
      rig.emulator.control.reset();
      const again = await syncMasking(rig, [table('MASKED', HOSTILE)]);
      expect(again.rows[0]!.message).toBe('already in sync');
      expect(again.rows[0]!.result!.warnings).toEqual([]);
      expect(writes()).toEqual([]);
    } finally {
      rig.policies.set([readers, THEIRS, MINE]);
    }
  });
});

describe('the managed scope binds masking policies as it binds grants', () => {
  it('creates, detaches and drops nothing on a table IGNORE_OBJECTS names', async () => {
    rig.policies.set([readers, mask(13, 'LOCKED', 'SECRETS', 'SSN', 'MASK_NULL', ['analyst'])]);
    expect(
      (await syncMasking(rig, [{ type: 'schema', values: { database: 'SALES', schema: 'LOCKED' } }])).header.status,
    ).toBe('SUCCESS');
    const ours = maskOn(['SALES', 'LOCKED', 'SECRETS'], 'SSN')!.path;

    // The Ranger mask on SSN goes and one on PIN comes: neither reaches an ignored table.
    rig.policies.set([readers, mask(14, 'LOCKED', 'SECRETS', 'PIN', 'MASK_NULL', ['analyst'])]);
    rig.emulator.control.reset();
    const { header, rows } = await syncMasking(scoped({ ignoreObjects: ['SALES.LOCKED'] }), [
      { type: 'schema', values: { database: 'SALES', schema: 'LOCKED' } },
    ]);
    expect(header.status).toBe('SUCCESS');
    expect(writes()).toEqual([]);
    expect(rows[0]!.result!.plan).toEqual([]);
    expect(maskOn(['SALES', 'LOCKED', 'SECRETS'], 'SSN')?.path).toEqual(ours);
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT SSN, PIN FROM SALES.LOCKED.SECRETS')).toEqual([
      { SSN: null, PIN: '1234' },
    ]);
    rig.policies.set([readers, THEIRS, MINE]);
  });

  it('changes no mask when MANAGED_PRIVILEGES=INSERT: masks decide what a SELECT returns', async () => {
    rig.policies.set([readers, mask(15, 'MASKED', 'NOTES', 'BODY', 'MASK_NULL', ['analyst'])]);
    rig.emulator.control.reset();
    const { header, rows } = await syncMasking(scoped({ managedPrivileges: ['INSERT'] }), [table('MASKED', 'NOTES')]);
    expect(header.status).toBe('SUCCESS');
    expect(writes().filter((s) => /MASKING POLICY|ROW ACCESS POLICY/.test(s))).toEqual([]);
    expect(rows[0]!.result!.plan.filter((p) => /MASK|FILTER/.test(p.op))).toEqual([]);
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT BODY FROM SALES.MASKED.NOTES')).toEqual([{ BODY: 'note' }]);
    // With SELECT managed the same policy applies.
    expect((await syncMasking(rig, [table('MASKED', 'NOTES')])).header.status).toBe('SUCCESS');
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT BODY FROM SALES.MASKED.NOTES')).toEqual([{ BODY: null }]);
    rig.policies.set([readers, THEIRS, MINE]);
  });
});

describe("the connector's own role is never granted or revoked anything, even with IGNORE_ROLES empty", () => {
  it('neither grants what a policy gives SNOWFLAKE_ROLE nor revokes the drift it holds', async () => {
    const own = maskingConnector(rig.emulator, false, 'SYNC_ADMIN');
    try {
      rig.policies.set([readers, access(2, 'MASKED', 'LEDGER', ['sync_admin'], ['insert'])]);
      rig.emulator.control.reset();
      const open = scoped({ ignoreRoles: [] });
      const { header, rows } = await syncMasking({ ...open, deps: { ...open.deps, connector: own } }, [
        table('MASKED', 'LEDGER'),
      ]);
      expect(header.status, rows[0]!.message).toBe('SUCCESS');
      expect(writes().filter((s) => /SYNC_ADMIN/.test(s))).toEqual([]);
      expect(held('SALES.MASKED.LEDGER')).toEqual(
        expect.arrayContaining(['SELECT ANALYST', 'SELECT ENGINEER', 'SELECT SYNC_ADMIN']),
      );
      expect(held('SALES.MASKED.LEDGER')).not.toContain('INSERT SYNC_ADMIN');
      expect(rows[0]!.result!.warnings).toContain(
        "role SYNC_ADMIN is the connector's own identity: the sync never grants or revokes anything to it, so 3 grant(s) the policies ask for were left out",
      );
    } finally {
      rig.policies.set([readers, THEIRS, MINE]);
      await own.close();
    }
  });

  it('never revokes from the role the session runs as when SNOWFLAKE_ROLE is not set (CURRENT_ROLE())', async () => {
    rig.emulator.control.reset();
    const { header, rows } = await syncMasking(scoped({ ignoreRoles: [] }), [table('MASKED', 'JOURNAL')]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(writes().filter((s) => /SYSADMIN/.test(s))).toEqual([]);
    expect(held('SALES.MASKED.JOURNAL')).toEqual(expect.arrayContaining(['SELECT ANALYST', 'SELECT SYSADMIN']));
  });
});
