import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabricksCatalog } from '../../dev/emulators/databricks/server.js';
import { DatabricksConnector } from '../../shared/connectors/databricks/databricks-connector.js';
import { DATABRICKS_PRIVILEGES } from '../../shared/connectors/databricks/profile.js';
import { DatabricksSession } from '../../shared/connectors/databricks/session.js';
import { managedScope, type ScopeSettings } from '../../shared/plan/scope.js';
import type { ResourceRef } from '../../shared/task/request.js';
import {
  type DatabricksMaskingRig,
  READERS,
  readAsUser,
  startDatabricksMaskingRig,
  syncDatabricksMasking,
  ucMaskingConnector,
} from '../support/databricks-masking.js';

/*
 * Who owns a mask function, and what the managed scope lets a sync change, through the real driver, the worker
 * and the emulator. main.masked.x__t and main.masked__x.t are two tables whose column c had one function name
 * under the old scheme (`masked__x__t__c__string_mask`).
 */
const [ANN, EVE] = READERS as [{ token: string; user: string }, { token: string; user: string }];
const SP = '3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const SP_LOGIN = { token: 'dapi-service-principal', user: SP };
const ADMIN = 'admin@example.com';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const strings = (...names: string[]) => names.map((name) => ({ name, type: 'string' }));

const catalog: DatabricksCatalog = {
  catalogs: [
    {
      name: 'main',
      owner: ADMIN,
      schemas: [
        {
          name: 'masked',
          tables: [
            { name: 'x__t', columns: strings('c'), rows: [{ c: 'mine' }] },
            { name: 'people', columns: strings('email'), rows: [{ email: 'ann@example.com' }] },
            { name: 'archive', columns: strings('email'), rows: [{ email: 'old@example.com' }] },
            { name: 'notes', columns: strings('body'), rows: [{ body: 'note' }] },
            { name: 'ledger', columns: strings('entry') },
            { name: 'journal', columns: strings('entry') },
          ],
        },
        { name: 'masked__x', tables: [{ name: 't', columns: strings('c'), rows: [{ c: 'theirs' }] }] },
        {
          name: 'locked',
          tables: [{ name: 'secrets', columns: strings('ssn', 'pin'), rows: [{ ssn: '123-45-6789', pin: '1234' }] }],
        },
      ],
    },
  ],
  principals: [
    { kind: 'user', name: ADMIN },
    { kind: 'user', name: ANN.user },
    { kind: 'user', name: EVE.user },
    { kind: 'service_principal', name: SP },
    { kind: 'group', name: 'analysts', members: [ANN.user] },
    { kind: 'group', name: 'engineers', members: [EVE.user] },
  ],
  grants: [
    // Drift held by who the connector runs as: the token's user, and a service principal.
    { principal: ADMIN, privilege: 'MODIFY', on: { type: 'TABLE', name: 'main.masked.journal' } },
    { principal: SP, privilege: 'SELECT', on: { type: 'TABLE', name: 'main.masked.ledger' } },
    // What the service principal needs to read and change the table's grants, not being a metastore admin.
    { principal: SP, privilege: 'USE CATALOG', on: { type: 'CATALOG', name: 'main' } },
    { principal: SP, privilege: 'USE SCHEMA', on: { type: 'SCHEMA', name: 'main.masked' } },
    { principal: SP, privilege: 'MANAGE', on: { type: 'TABLE', name: 'main.masked.ledger' } },
  ],
};

const resources = (schema: string, table: string, column?: string) => ({
  catalog: { values: ['main'] },
  schema: { values: [schema] },
  table: { values: [table] },
  ...(column ? { column: { values: [column] } } : {}),
});
const mask = (id: number, schema: string, table: string, column: string, dataMaskType: string, groups: string[]) => ({
  id,
  name: `mask ${id}`,
  policyType: 1,
  isEnabled: true,
  resources: resources(schema, table, column),
  dataMaskPolicyItems: [{ accesses: [{ type: 'select', isAllowed: true }], groups, dataMaskInfo: { dataMaskType } }],
});
const access = (
  id: number,
  schema: string,
  table: string,
  item: { users?: string[]; groups?: string[] },
  types: string[],
) => ({
  id,
  name: `access ${id}`,
  policyType: 0,
  isEnabled: true,
  resources: resources(schema, table, '*'),
  policyItems: [{ accesses: types.map((type) => ({ type, isAllowed: true })), ...item }],
});
const readers = access(1, '*', '*', { groups: ['analysts', 'engineers'] }, ['select']);
const THEIRS = mask(10, 'masked__x', 't', 'c', 'MASK_NULL', ['analysts']);
const MINE = mask(11, 'masked', 'x__t', 'c', 'MASK_HASH', ['engineers']);
const table = (schema: string, name: string): ResourceRef => ({
  type: 'table',
  values: { catalog: 'main', schema, table: name },
});

let rig: DatabricksMaskingRig;
beforeAll(async () => {
  rig = await startDatabricksMaskingRig(catalog, [readers, THEIRS, MINE], false, [SP_LOGIN]);
});
afterAll(async () => {
  await rig.stop();
});

const writes = () =>
  rig.emulator.control
    .statements()
    .map((s) => s.sql)
    .filter((s) => /^\s*(GRANT|REVOKE|CREATE|ALTER|DROP)/i.test(s));
const admin = (sql: string) => readAsUser(rig.emulator, rig.emulator.token, sql);
const maskOn = async (schema: string, name: string, column: string) =>
  (
    await admin(
      `SELECT mask_name FROM main.information_schema.column_masks WHERE schema_name = '${schema}' AND table_name = '${name}' AND column_name = '${column}'`,
    )
  )[0]?.mask_name;
const routine = async (name: unknown) =>
  (
    await admin(
      `SELECT routine_definition, comment FROM main.information_schema.routines WHERE routine_schema = 'policysync_governance' AND routine_name = '${String(name)}'`,
    )
  )[0];
const scoped = (over: Partial<ScopeSettings>) => ({
  ...rig,
  deps: {
    ...rig.deps,
    scope: managedScope({
      ignoreRoles: ['admins', 'account users', ADMIN],
      ignoreObjects: [],
      managedPrivileges: DATABRICKS_PRIVILEGES,
      ...over,
    }),
  },
});
const held = (name: string) =>
  rig.emulator.metastore.grantsOn('TABLE', name).map((g) => `${g.privilege} ${g.principal}`);

describe('Unity Catalog mask functions belong to the exact column their marker names', () => {
  it('never alters, detaches or drops the function of another table whose old function name was the same', async () => {
    expect((await syncDatabricksMasking(rig, [table('masked__x', 't')])).header.status).toBe('SUCCESS');
    const theirs = await maskOn('masked__x', 't', 'c');
    const before = await routine(theirs);
    rig.emulator.control.reset();

    const { header, rows } = await syncDatabricksMasking(rig, [table('masked', 'x__t')]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT c FROM main.masked__x.t')).toEqual([{ c: null }]);
    expect(await maskOn('masked__x', 't', 'c')).toBe(theirs);
    expect(await routine(theirs)).toEqual(before);
    expect(writes().join('\n')).not.toContain(String(theirs));
    expect(rows[0]!.result!.warnings).toEqual([]);
    const mine = await maskOn('masked', 'x__t', 'c');
    expect(mine).not.toBe(theirs);
    expect(await readAsUser(rig.emulator, EVE.token, 'SELECT c FROM main.masked.x__t')).toEqual([{ c: sha('mine') }]);

    // Its own function goes when the Ranger policy does; the other table's stays, attached and unchanged.
    rig.policies.set([readers, THEIRS]);
    rig.emulator.control.reset();
    expect((await syncDatabricksMasking(rig, [table('masked', 'x__t')])).header.status).toBe('SUCCESS');
    expect(writes()).toContain(`DROP FUNCTION \`main\`.\`policysync_governance\`.\`${String(mine)}\``);
    expect(writes().join('\n')).not.toContain(String(theirs));
    expect(await routine(theirs)).toEqual(before);
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT c FROM main.masked__x.t')).toEqual([{ c: null }]);
    rig.policies.set([readers, THEIRS, MINE]);
  });

  it('replaces a function an earlier version made (its marker names no target) with one SET MASK, and neither replaces nor drops it', async () => {
    const legacy = 'main.policysync_governance.masked__people__email__string_mask';
    await admin('CREATE SCHEMA IF NOT EXISTS main.policysync_governance');
    await admin(
      `CREATE FUNCTION ${legacy}(val STRING) RETURNS STRING COMMENT 'policysync:{"ids":[12],"version":"1","hash":"0123456789abcdef"}' RETURN '***'`,
    );
    // One function of the earlier names could serve two columns: it masks archive.email too.
    await admin(`ALTER TABLE main.masked.people ALTER COLUMN email SET MASK ${legacy}`);
    await admin(`ALTER TABLE main.masked.archive ALTER COLUMN email SET MASK ${legacy}`);
    rig.policies.set([readers, THEIRS, MINE, mask(12, 'masked', 'people', 'email', 'MASK_NULL', ['analysts'])]);
    rig.emulator.control.reset();

    const { header, rows } = await syncDatabricksMasking(rig, [table('masked', 'people')]);
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT email FROM main.masked.archive')).toEqual([
      { email: '***' },
    ]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(writes()).toContainEqual(
      expect.stringMatching(
        /^ALTER TABLE `main`\.`masked`\.`people` ALTER COLUMN `email` SET MASK `main`\.`policysync_governance`\.`masked_people_email_string_mask_[0-9a-f]{64}`$/,
      ),
    );
    expect(writes().join('\n')).not.toContain('masked__people__email__string_mask');
    expect(rows[0]!.result!.warnings.join('\n')).toMatch(
      /masked__people__email__string_mask was replaced or detached on column main\.masked\.people\.email but not dropped/,
    );
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT email FROM main.masked.people')).toEqual([
      { email: null },
    ]);
  });
});

describe('a mask function is ours only when we own it', () => {
  it('takes no function for ours that another principal owns, however exactly it copies our name and marker', async () => {
    rig.policies.set([readers, mask(17, 'masked', 'notes', 'body', 'MASK_NULL', ['analysts'])]);
    let planted: string | undefined;
    try {
      // Learn what our sync makes for notes.body (anyone can: names and markers follow from the policies), then undo it.
      expect((await syncDatabricksMasking(rig, [table('masked', 'notes')])).header.status).toBe('SUCCESS');
      const name = String(await maskOn('masked', 'notes', 'body'));
      const made = await routine(name);
      planted = `main.policysync_governance.\`${name}\``;
      await admin('ALTER TABLE main.masked.notes ALTER COLUMN body DROP MASK');
      await admin(`DROP FUNCTION ${planted}`);
      await admin('REVOKE SELECT ON TABLE main.masked.notes FROM analysts');

      // Eve may create functions in the governance schema: she plants that very function, marker and all, masking nothing.
      await admin('GRANT USE CATALOG ON CATALOG main TO `eve@example.com`');
      await admin('GRANT USE SCHEMA, CREATE FUNCTION ON SCHEMA main.policysync_governance TO `eve@example.com`');
      const comment = String(made!.comment).replaceAll('\\', '\\\\').replaceAll("'", "\\'");
      await readAsUser(
        rig.emulator,
        EVE.token,
        `CREATE FUNCTION ${planted}(val STRING) RETURNS STRING COMMENT '${comment}' RETURN val`,
      );
      rig.emulator.control.reset();
      const { rows } = await syncDatabricksMasking(rig, [table('masked', 'notes')]);

      expect(await maskOn('masked', 'notes', 'body')).toBeUndefined();
      expect(rows[0]!.result!.warnings.join('\n')).toMatch(
        /exists but was not created by policysync; it was left alone/,
      );
      // Failing closed: the mask could not be placed, so the analysts are not given the table either.
      expect(writes()).toEqual([]);
      expect(held('main.masked.notes')).not.toContain('SELECT analysts');
    } finally {
      await admin('ALTER TABLE main.masked.notes ALTER COLUMN body DROP MASK').catch(() => undefined);
      if (planted) await admin(`DROP FUNCTION IF EXISTS ${planted}`);
      rig.policies.set([readers, THEIRS, MINE]);
    }
  });
});

describe('the managed scope binds masks as it binds grants', () => {
  it('creates, detaches and drops nothing on a table IGNORE_OBJECTS names', async () => {
    rig.policies.set([readers, mask(13, 'locked', 'secrets', 'ssn', 'MASK_NULL', ['analysts'])]);
    expect(
      (await syncDatabricksMasking(rig, [{ type: 'schema', values: { catalog: 'main', schema: 'locked' } }])).header
        .status,
    ).toBe('SUCCESS');
    const ours = await maskOn('locked', 'secrets', 'ssn');
    expect(ours).toBeDefined();

    rig.policies.set([readers, mask(14, 'locked', 'secrets', 'pin', 'MASK_NULL', ['analysts'])]);
    rig.emulator.control.reset();
    const { header, rows } = await syncDatabricksMasking(scoped({ ignoreObjects: ['main.locked'] }), [
      { type: 'schema', values: { catalog: 'main', schema: 'locked' } },
    ]);
    expect(header.status).toBe('SUCCESS');
    expect(writes()).toEqual([]);
    expect(rows[0]!.result!.plan).toEqual([]);
    expect(await maskOn('locked', 'secrets', 'ssn')).toBe(ours);
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT ssn, pin FROM main.locked.secrets')).toEqual([
      { ssn: null, pin: '1234' },
    ]);
    rig.policies.set([readers, THEIRS, MINE]);
  });

  it('changes no mask when MANAGED_PRIVILEGES leaves SELECT out: masks decide what a SELECT returns', async () => {
    rig.policies.set([readers, mask(15, 'masked', 'notes', 'body', 'MASK_NULL', ['analysts'])]);
    rig.emulator.control.reset();
    const { header, rows } = await syncDatabricksMasking(scoped({ managedPrivileges: ['MODIFY'] }), [
      table('masked', 'notes'),
    ]);
    expect(header.status).toBe('SUCCESS');
    expect(writes().filter((s) => /FUNCTION|MASK|ROW FILTER/.test(s))).toEqual([]);
    expect(rows[0]!.result!.plan.filter((p) => /MASK|FILTER/.test(p.op))).toEqual([]);
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT body FROM main.masked.notes')).toEqual([{ body: 'note' }]);
    expect((await syncDatabricksMasking(rig, [table('masked', 'notes')])).header.status).toBe('SUCCESS');
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT body FROM main.masked.notes')).toEqual([{ body: null }]);
    rig.policies.set([readers, THEIRS, MINE]);
  });
});

describe('who the connector runs as is never granted or revoked anything, even with IGNORE_ROLES empty', () => {
  it("the token's user (current_user()): neither grants what a policy gives it nor revokes its drift", async () => {
    rig.policies.set([readers, access(2, 'masked', 'journal', { users: ['admin'] }, ['select'])]);
    rig.emulator.control.reset();
    try {
      const { header, rows } = await syncDatabricksMasking(scoped({ ignoreRoles: [] }), [table('masked', 'journal')]);
      expect(header.status, rows[0]!.message).toBe('SUCCESS');
      expect(writes().filter((s) => s.includes(ADMIN))).toEqual([]);
      expect(held('main.masked.journal')).toEqual(expect.arrayContaining(['SELECT analysts', `MODIFY ${ADMIN}`]));
      expect(held('main.masked.journal')).not.toContain(`SELECT ${ADMIN}`);
      expect(rows[0]!.result!.warnings.join('\n')).toContain(`user ${ADMIN} is the connector's own identity`);
    } finally {
      rig.policies.set([readers, THEIRS, MINE]);
    }
  });

  it('a service principal it connects as: neither grants what a policy gives it nor revokes its drift', async () => {
    const asSp = ucMaskingConnector(rig.emulator, false, SP_LOGIN.token);
    rig.policies.set([readers, access(3, 'masked', 'ledger', { groups: [SP] }, ['modify'])]);
    rig.emulator.control.reset();
    try {
      const open = scoped({ ignoreRoles: [] });
      const { header, rows } = await syncDatabricksMasking({ ...open, deps: { ...open.deps, connector: asSp } }, [
        table('masked', 'ledger'),
      ]);
      expect(header.status, rows[0]!.message).toBe('SUCCESS');
      expect(writes().filter((s) => s.includes(SP))).toEqual([]);
      expect(held('main.masked.ledger')).toEqual(expect.arrayContaining(['SELECT analysts', `SELECT ${SP}`]));
      expect(held('main.masked.ledger')).not.toContain(`MODIFY ${SP}`);
      expect(rows[0]!.result!.warnings.join('\n')).toContain(`service principal ${SP} is the connector's own identity`);
    } finally {
      rig.policies.set([readers, THEIRS, MINE]);
      await asSp.close();
    }
  });

  it('counts DATABRICKS_CLIENT_ID as itself beside whoever current_user() says the session runs as', async () => {
    const e = rig.emulator;
    const connector = new DatabricksConnector(
      new DatabricksSession({ host: `https://${e.host}:${e.port}`, path: e.path, token: ANN.token, caCert: e.caCert }),
      undefined,
      SP,
    );
    try {
      expect(await connector.identity()).toEqual([
        { kind: 'service_principal', name: SP },
        { kind: 'user', name: ANN.user },
      ]);
    } finally {
      await connector.close();
    }
  });
});
