import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DatabricksCatalog,
  type DatabricksEmulator,
  startDatabricksEmulator,
} from '../../dev/emulators/databricks/server.js';
import { readAsUser } from '../support/databricks-masking.js';

// Who asks decides what Unity Catalog shows: each of these users reads through its own token.
const ADMIN = 'admin@example.com';
const OWNER = 'owner@example.com';
const MANAGER = 'manager@example.com';
const BROWSER = 'browser@example.com';
const NOBODY = 'nobody@example.com';
const readers = [OWNER, MANAGER, BROWSER, NOBODY].map((user) => ({ token: `dapi-${user}`, user }));

const catalog: DatabricksCatalog = {
  catalogs: [
    {
      name: 'c1',
      owner: OWNER,
      schemas: [{ name: 's1', tables: [{ name: 't1', owner: OWNER, columns: [{ name: 'id', type: 'int' }] }] }],
    },
  ],
  principals: [
    ...[ADMIN, OWNER, MANAGER, BROWSER, NOBODY].map((name) => ({ kind: 'user' as const, name })),
    { kind: 'group', name: 'analysts' },
  ],
  grants: [
    { principal: MANAGER, privilege: 'USE CATALOG', on: { type: 'CATALOG', name: 'c1' } },
    { principal: MANAGER, privilege: 'USE SCHEMA', on: { type: 'SCHEMA', name: 'c1.s1' } },
    { principal: MANAGER, privilege: 'MANAGE', on: { type: 'TABLE', name: 'c1.s1.t1' } },
    { principal: 'analysts', privilege: 'SELECT', on: { type: 'TABLE', name: 'c1.s1.t1' } },
    { principal: BROWSER, privilege: 'BROWSE', on: { type: 'CATALOG', name: 'c1' } },
  ],
};

let emulator: DatabricksEmulator;
beforeAll(async () => {
  emulator = await startDatabricksEmulator({ catalog, readers });
});
afterAll(async () => {
  await emulator.stop();
});

const as = (user: string, sql: string) =>
  readAsUser(emulator, user === ADMIN ? emulator.token : `dapi-${user}`, sql).then((rows) =>
    rows.map((r) => Object.values(r).join(' ')),
  );
const refusal = (user: string, sql: string) =>
  as(user, sql).then(
    () => {
      throw new Error(`expected ${user} to be refused ${sql}`);
    },
    (e: Error & { response?: { sqlState?: string } }) => `${e.message} [${e.response?.sqlState}]`,
  );
const TABLE_GRANTS =
  "SELECT grantee, privilege_type FROM system.information_schema.table_privileges WHERE table_name = 't1'";

describe('the Databricks emulator shows each caller what Unity Catalog shows it', () => {
  it('lists an object in the information schema to its owner, an admin, a privilege holder and BROWSE, and to no one else', async () => {
    const tables = "SELECT table_name FROM system.information_schema.tables WHERE table_catalog = 'c1'";
    for (const user of [ADMIN, OWNER, MANAGER, BROWSER]) expect(await as(user, tables), user).toEqual(['t1']);
    expect(await as(NOBODY, tables)).toEqual([]);
    expect(await as(NOBODY, 'SHOW TABLES IN c1.s1')).toEqual([]);
    expect(await as(NOBODY, 'SHOW CATALOGS')).not.toContain('c1');
  });

  it('shows a MANAGE holder only its own grants in the privilege views, and its owner and an admin every grant', async () => {
    expect(await as(MANAGER, TABLE_GRANTS)).toEqual([`${MANAGER} MANAGE`]);
    for (const user of [ADMIN, OWNER])
      expect((await as(user, TABLE_GRANTS)).sort(), user).toEqual(['analysts SELECT', `${MANAGER} MANAGE`]);
    expect(await as(BROWSER, TABLE_GRANTS)).toEqual([]);
    expect(await as(NOBODY, TABLE_GRANTS)).toEqual([]);
  });

  it('answers SHOW GRANTS in full to a MANAGE holder', async () => {
    expect(await as(MANAGER, 'SHOW GRANTS ON TABLE c1.s1.t1')).toEqual(
      expect.arrayContaining([`analysts SELECT TABLE c1.s1.t1`, `${MANAGER} MANAGE TABLE c1.s1.t1`]),
    );
  });

  it('refuses SHOW GRANTS and GRANT to a caller that may not manage the object, before saying whether it exists', async () => {
    expect(await refusal(NOBODY, 'SHOW GRANTS ON TABLE c1.s1.t1')).toMatch(
      /^\[INSUFFICIENT_PERMISSIONS\] Insufficient privileges:\s+User does not have USE CATALOG on Catalog 'c1'\..*\[42501\]$/s,
    );
    expect(await refusal(NOBODY, 'SHOW GRANTS ON TABLE c1.s1.missing')).toContain('USE CATALOG');
    expect(await refusal(BROWSER, 'SHOW GRANTS ON TABLE c1.s1.t1')).toContain('INSUFFICIENT_PERMISSIONS');
    expect(await refusal(NOBODY, 'GRANT SELECT ON TABLE c1.s1.t1 TO `nobody@example.com`')).toContain(
      'INSUFFICIENT_PERMISSIONS',
    );
    expect(emulator.metastore.grantsOn('TABLE', 'c1.s1.t1').map((g) => g.principal)).not.toContain(NOBODY);
    expect(await refusal(NOBODY, 'SHOW GRANTS ON TABLE nowhere.s1.t1')).toContain('NO_SUCH_CATALOG_EXCEPTION');
  });

  it('lets a caller see its own grants on an object it cannot manage, and a MANAGE holder change grants', async () => {
    expect(await as(NOBODY, 'SHOW GRANTS `nobody@example.com` ON TABLE c1.s1.t1')).toEqual([]);
    await as(MANAGER, 'GRANT SELECT ON TABLE c1.s1.t1 TO `nobody@example.com`');
    expect(
      await as(NOBODY, "SELECT table_name FROM system.information_schema.tables WHERE table_catalog = 'c1'"),
    ).toEqual(['t1']);
  });
});
