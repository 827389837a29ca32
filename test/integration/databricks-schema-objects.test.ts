import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DatabricksCatalog, DEFAULT_OAUTH_CLIENT } from '../../dev/emulators/databricks/server.js';
import { DATABRICKS_PRIVILEGES } from '../../shared/connectors/databricks/profile.js';
import { WorkspaceApi } from '../../shared/connectors/databricks/workspace-api.js';
import { ConnectorError } from '../../shared/connectors/errors.js';
import { managedScope } from '../../shared/plan/scope.js';
import type { ResourceRef } from '../../shared/task/request.js';
import {
  type DatabricksMaskingRig,
  startDatabricksMaskingRig,
  syncDatabricksMasking,
} from '../support/databricks-masking.js';

// Functions, volumes and registered models come with their schema: loaded in bulk, evaluated, granted and revoked.
const ADMIN = 'admin@example.com';
const catalog: DatabricksCatalog = {
  catalogs: [
    {
      name: 'main',
      owner: ADMIN,
      schemas: [
        {
          name: 'ml',
          tables: [{ name: 'features', columns: [{ name: 'id', type: 'bigint' }] }],
          functions: [{ name: 'score' }, { name: 'normalize' }, { name: 'odd`fn' }],
          volumes: [{ name: 'landing' }],
          models: [{ name: 'churn' }],
        },
        // Ours: the masks and row filters live here, and are never governed objects.
        { name: 'policysync_governance', functions: [{ name: 'our_mask' }] },
      ],
    },
  ],
  principals: [
    { kind: 'user', name: ADMIN },
    { kind: 'group', name: 'analysts' },
    { kind: 'group', name: 'engineers' },
    { kind: 'group', name: 'auditors' },
    { kind: 'service_principal', name: DEFAULT_OAUTH_CLIENT.clientId },
  ],
  grants: [
    { principal: 'auditors', privilege: 'EXECUTE', on: { type: 'FUNCTION', name: 'main.ml.score' } },
    { principal: 'auditors', privilege: 'READ VOLUME', on: { type: 'VOLUME', name: 'main.ml.landing' } },
    { principal: 'auditors', privilege: 'EXECUTE', on: { type: 'FUNCTION', name: 'main.ml.churn' } },
    {
      principal: 'auditors',
      privilege: 'EXECUTE',
      on: { type: 'FUNCTION', name: 'main.policysync_governance.our_mask' },
    },
  ],
};

const policy = (id: number, resources: Record<string, string>, groups: string[], types: string[]) => ({
  id,
  name: `policy ${id}`,
  policyType: 0,
  isEnabled: true,
  resources: Object.fromEntries(Object.entries(resources).map(([k, v]) => [k, { values: [v] }])),
  policyItems: [{ accesses: types.map((type) => ({ type, isAllowed: true })), groups }],
});
const policies = [
  policy(1, { catalog: 'main', schema: '*', function: 'score' }, ['analysts'], ['execute']),
  policy(2, { catalog: 'main', schema: 'ml', volume: '*' }, ['analysts'], ['read_volume']),
  policy(3, { catalog: 'main', schema: 'ml', volume: 'landing' }, ['engineers'], ['read_volume', 'write_volume']),
  policy(4, { catalog: 'main', schema: 'ml', model: 'churn' }, ['analysts'], ['execute']),
  // Would reach our own masks if they were governed objects.
  policy(5, { catalog: 'main', schema: '*', function: '*' }, ['engineers'], ['execute']),
];

let rig: DatabricksMaskingRig;
beforeAll(async () => {
  rig = await startDatabricksMaskingRig(catalog, policies);
});
afterAll(async () => {
  await rig.stop();
});
beforeEach(() => rig.emulator.control.reset());

const schema = (name: string): ResourceRef => ({ type: 'schema', values: { catalog: 'main', schema: name } });
const held = (type: 'FUNCTION' | 'VOLUME' | 'SCHEMA', name: string) =>
  rig.emulator.metastore
    .grantsOn(type, name)
    .map((g) => `${g.privilege} ${g.principal}`)
    .sort();
const writes = () =>
  rig.emulator.control
    .statements()
    .filter((s) => /^\s*(GRANT|REVOKE)/i.test(s.sql))
    .map((s) => s.sql);

describe("a Unity Catalog schema's functions, volumes and registered models", () => {
  it('are planned in a dry run and nothing is written', async () => {
    const { header, rows } = await syncDatabricksMasking(rig, [schema('ml')], true);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(writes()).toEqual([]);
    const plan = JSON.stringify(rows[0]!.result!.plan);
    for (const object of ['function main.ml.score', 'volume main.ml.landing', 'model main.ml.churn'])
      expect(plan).toContain(object);
  });

  it('are granted what the policies say and their drift revoked, each with its own securable keyword', async () => {
    const { header, rows } = await syncDatabricksMasking(rig, [schema('ml')]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(writes()).toEqual(
      expect.arrayContaining([
        'GRANT EXECUTE ON FUNCTION `main`.`ml`.`score` TO `analysts`',
        'GRANT READ VOLUME, WRITE VOLUME ON VOLUME `main`.`ml`.`landing` TO `engineers`',
        // A registered model is granted as a function (GRANT ON FUNCTION).
        'GRANT EXECUTE ON FUNCTION `main`.`ml`.`churn` TO `analysts`',
        'REVOKE EXECUTE ON FUNCTION `main`.`ml`.`score` FROM `auditors`',
        'REVOKE READ VOLUME ON VOLUME `main`.`ml`.`landing` FROM `auditors`',
        'REVOKE EXECUTE ON FUNCTION `main`.`ml`.`churn` FROM `auditors`',
        // A name is data: its backtick is doubled inside the quotes.
        'GRANT EXECUTE ON FUNCTION `main`.`ml`.`odd``fn` TO `engineers`',
      ]),
    );
    expect(held('FUNCTION', 'main.ml.score')).toEqual(['EXECUTE analysts', 'EXECUTE engineers']);
    expect(held('FUNCTION', 'main.ml.normalize')).toEqual(['EXECUTE engineers']);
    expect(held('VOLUME', 'main.ml.landing')).toEqual([
      'READ VOLUME analysts',
      'READ VOLUME engineers',
      'WRITE VOLUME engineers',
    ]);
    expect(held('FUNCTION', 'main.ml.churn')).toEqual(['EXECUTE analysts']);
    // Their readers reach them through the schema: USE SCHEMA, never a schema-wide EXECUTE or READ VOLUME.
    expect(held('SCHEMA', 'main.ml')).toEqual(['USE SCHEMA analysts', 'USE SCHEMA engineers']);
  });

  it('are already in sync on a second run', async () => {
    const { rows } = await syncDatabricksMasking(rig, [schema('ml')]);
    expect(rows[0]!.message).toBe('already in sync');
    expect(writes()).toEqual([]);
  });

  it('are left alone where IGNORE_OBJECTS names them, drift included', async () => {
    const m = rig.emulator.metastore;
    m.grant('auditors', ['EXECUTE'], m.resolve('FUNCTION', ['main', 'ml', 'normalize']));
    const scope = managedScope({
      ignoreRoles: ['admins', 'account users', ADMIN],
      ignoreObjects: ['main.ml.normalize'],
      managedPrivileges: DATABRICKS_PRIVILEGES,
    });
    const { header, rows } = await syncDatabricksMasking({ ...rig, deps: { ...rig.deps, scope } }, [schema('ml')]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(writes().join('\n')).not.toContain('normalize');
    expect(held('FUNCTION', 'main.ml.normalize')).toEqual(['EXECUTE auditors', 'EXECUTE engineers']);
  });

  it("never include the governance schema's own functions", async () => {
    const { header, rows } = await syncDatabricksMasking(rig, [schema('policysync_governance')]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    expect(
      rig.emulator.control
        .statements()
        .map((s) => s.sql)
        .join('\n'),
    ).not.toContain('our_mask');
    expect(held('FUNCTION', 'main.policysync_governance.our_mask')).toEqual(['EXECUTE auditors']);
  });

  it('are SKIPPED when a request names one alone, with the reason', async () => {
    const { header, rows } = await syncDatabricksMasking(rig, [
      { type: 'function', values: { catalog: 'main', schema: 'ml', function: 'score' } },
      { type: 'volume', values: { catalog: 'main', schema: 'ml', volume: 'landing' } },
      { type: 'model', values: { catalog: 'main', schema: 'ml', model: 'churn' } },
    ]);
    expect(header.status).toBe('SKIPPED');
    expect(rows.map((r) => r.message)).toEqual([
      expect.stringContaining("unsupported resource type 'function'"),
      expect.stringContaining("unsupported resource type 'volume'"),
      expect.stringContaining("unsupported resource type 'model'"),
    ]);
  });
});

describe('registered models over the workspace REST API', () => {
  const api = (login: { token?: string; clientId?: string; clientSecret?: string }) =>
    new WorkspaceApi({
      host: `https://${rig.emulator.host}:${rig.emulator.port}`,
      path: rig.emulator.path,
      caCert: rig.emulator.caCert,
      ...login,
    });
  const sp = DEFAULT_OAUTH_CLIENT;

  it('lists them with an OAuth machine-to-machine token, as far as the service principal may see them', async () => {
    expect(await api({ token: rig.emulator.token }).models('main', 'ml')).toEqual(['churn']);
    const asSp = api({ clientId: sp.clientId, clientSecret: sp.clientSecret });
    expect(await asSp.models('main', 'ml')).toEqual([]);
    const m = rig.emulator.metastore;
    m.grant(sp.clientId, ['USE CATALOG'], m.resolve('CATALOG', ['main']));
    m.grant(sp.clientId, ['USE SCHEMA'], m.resolve('SCHEMA', ['main', 'ml']));
    m.grant(sp.clientId, ['MANAGE'], m.resolve('SCHEMA', ['main', 'ml']));
    expect(await asSp.models('main', 'ml')).toEqual(['churn']);
    expect(rig.emulator.oauth.tokenRequests().filter((r) => r.clientId === sp.clientId && r.issued)).toHaveLength(1);
  });

  it('fails with AUTH on refused credentials, never quoting the secret', async () => {
    const err = await api({ clientId: sp.clientId, clientSecret: 'not-the-secret' })
      .models('main', 'ml')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).code).toBe('AUTH');
    expect((err as ConnectorError).message).not.toContain('not-the-secret');
  });

  it('answers not found for a schema that does not exist', async () => {
    const err = await api({ token: rig.emulator.token })
      .models('main', 'nope')
      .catch((e: unknown) => e);
    expect((err as ConnectorError).code).toBe('NOT_FOUND');
  });
});
