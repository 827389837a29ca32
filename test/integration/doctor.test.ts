import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { type DatabricksEmulator, startDatabricksEmulator } from '../../dev/emulators/databricks/index.js';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../../dev/emulators/snowflake/index.js';
import type { DoctorReport } from '../../shared/doctor/check.js';
import { doctorFromEnv } from '../../shared/doctor/doctor-deps.js';
import { fixture as databricksFixture } from '../support/databricks-sync.js';
import { fixture as snowflakeFixture } from '../support/snowflake-sync.js';

/*
 * `policysync doctor` against real Azurite and the emulators through the real drivers: a well-configured account
 * passes, a badly configured one fails on exactly what is wrong, and no finding carries a secret.
 */
let azurite: AzuriteHandle;
let snowflake: SnowflakeEmulator;
let databricks: DatabricksEmulator;
const WEAK_PASSWORD = 'weak-user-password-7731';
const SP = 'policysync-sp';

beforeAll(async () => {
  azurite = await startAzurite();
  snowflake = await startSnowflakeEmulator({
    catalog: {
      databases: [{ name: 'SALES', schemas: [{ name: 'PUBLIC', tables: [{ name: 'ORDERS' }] }] }],
      roles: [{ name: 'POLICYSYNC_ROLE' }, { name: 'WEAK' }],
      grants: [
        { privilege: 'OWNERSHIP', on: { type: 'DATABASE', name: 'SALES' }, to: 'SYSADMIN' },
        { privilege: 'CREATE SCHEMA', on: { type: 'DATABASE', name: 'SALES' }, to: 'POLICYSYNC_ROLE' },
        // What the setup page grants so that INFORMATION_SCHEMA shows every object to the role.
        { privilege: 'USAGE', on: { type: 'DATABASE', name: 'SALES' }, to: 'POLICYSYNC_ROLE' },
        { privilege: 'USAGE', on: { type: 'SCHEMA', name: 'SALES.PUBLIC' }, to: 'POLICYSYNC_ROLE' },
        { privilege: 'REFERENCES', on: { type: 'TABLE', name: 'SALES.PUBLIC.ORDERS' }, to: 'POLICYSYNC_ROLE' },
      ],
      accountGrants: ['MANAGE GRANTS', 'APPLY MASKING POLICY', 'APPLY ROW ACCESS POLICY'].map((privilege) => ({
        privilege,
        to: 'POLICYSYNC_ROLE',
      })),
    },
    users: [
      { name: 'SYNC', password: 'sync-user-password-2290', role: 'POLICYSYNC_ROLE' },
      { name: 'WEAKUSER', password: WEAK_PASSWORD, role: 'WEAK' },
    ],
  });
  databricks = await startDatabricksEmulator({
    user: SP,
    // Our principal is no metastore admin: it sees what its grants let it see, as on a real account.
    metastoreAdmins: ['admin@example.com'],
    catalog: {
      catalogs: [
        { name: 'managed', owner: 'data-owners' },
        { name: 'foreign', owner: 'data-owners' },
      ],
      principals: [{ kind: 'service_principal', name: SP }],
      grants: [
        ...['USE CATALOG', 'USE SCHEMA', 'BROWSE', 'MANAGE', 'CREATE SCHEMA'].map((privilege) => ({
          principal: SP,
          privilege,
          on: { type: 'CATALOG' as const, name: 'managed' },
        })),
        // Visible (it may use it) but not ours to manage: SHOW GRANTS on it is refused.
        { principal: SP, privilege: 'USE CATALOG', on: { type: 'CATALOG', name: 'foreign' } },
      ],
    },
  });
}, 60_000);
afterAll(async () => {
  await Promise.all([snowflake?.stop(), databricks?.stop(), azurite?.stop()]);
});

const common = () => ({
  AzureWebJobsStorage: azurite.connectionString,
  JWT_SECRET: 'doctor-test-secret-0123456789abcdef0123',
  POLICY_FILE: snowflakeFixture('sync-policies.json'),
});
const snowflakeEnv = (extra: Record<string, string>) => ({
  ...common(),
  CONNECTOR_KIND: 'snowflake',
  SNOWFLAKE_ACCOUNT: 'emulator',
  SNOWFLAKE_ACCESS_URL: snowflake.url,
  ...extra,
});
const byName = (r: DoctorReport) => Object.fromEntries(r.checks.map((c) => [c.name, c.status]));

describe('policysync doctor on Snowflake', () => {
  it('passes every check on an account set up as docs/setup-snowflake.md says', async () => {
    const report = await doctorFromEnv(
      snowflakeEnv({
        SNOWFLAKE_USERNAME: 'SYNC',
        SNOWFLAKE_PASSWORD: 'sync-user-password-2290',
        SNOWFLAKE_ROLE: 'POLICYSYNC_ROLE',
        SNOWFLAKE_WAREHOUSE: 'COMPUTE_WH',
      }),
    );
    expect(report.checks.filter((c) => c.status !== 'OK')).toEqual([]);
    expect(byName(report)).toMatchObject({
      storage: 'OK',
      'policy source': 'OK',
      'warehouse sign-in': 'OK',
      'snowflake role': 'OK',
      'snowflake warehouse': 'OK',
      'MANAGE GRANTS': 'OK',
      'masking privileges': 'OK',
      visibility: 'OK',
      'governance schema': 'OK',
    });
    expect(report.status).toBe('OK');
  });

  it('fails on what a badly configured account lacks, and says how to fix each', async () => {
    const report = await doctorFromEnv(
      snowflakeEnv({
        SNOWFLAKE_USERNAME: 'WEAKUSER',
        SNOWFLAKE_PASSWORD: WEAK_PASSWORD,
        POLICY_FILE: '/nonexistent/policies.json',
      }),
    );
    expect(report.status).toBe('FAIL');
    expect(byName(report)).toMatchObject({
      storage: 'OK',
      'policy source': 'FAIL',
      'snowflake role': 'WARN',
      'snowflake warehouse': 'FAIL',
      'MANAGE GRANTS': 'FAIL',
      'masking privileges': 'WARN',
      'governance schema': 'WARN',
    });
    for (const c of report.checks.filter((c) => c.status !== 'OK')) expect(c.fix, c.name).toBeTruthy();
    expect(report.checks.find((c) => c.name === 'MANAGE GRANTS')!.fix).toContain(
      'GRANT MANAGE GRANTS ON ACCOUNT TO ROLE "WEAK"',
    );
    expect(JSON.stringify(report)).not.toContain(WEAK_PASSWORD);
  });

  it('reports a refused sign-in without the password, and the CLI exits 1 with the report as JSON', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['doctor', '--json'], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: snowflakeEnv({ SNOWFLAKE_USERNAME: 'WEAKUSER', SNOWFLAKE_PASSWORD: `${WEAK_PASSWORD}-wrong` }),
    });
    expect(code).toBe(1);
    const report = JSON.parse(out.join('')) as DoctorReport;
    expect(byName(report)['warehouse sign-in']).toBe('FAIL');
    expect(out.join('') + err.join('')).not.toContain(`${WEAK_PASSWORD}-wrong`);
  });

  it('reports settings that do not load as the one FAIL, naming them', async () => {
    const report = await doctorFromEnv({ ...common(), CONNECTOR_KIND: 'snowflake' });
    expect(report.status).toBe('FAIL');
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]).toMatchObject({ name: 'settings', status: 'FAIL' });
    expect(report.checks[0]!.detail).toContain('SNOWFLAKE_ACCOUNT');
  });
});

describe('policysync doctor on Unity Catalog', () => {
  const env = () => ({
    ...common(),
    CONNECTOR_KIND: 'databricks_unity_catalog',
    POLICY_FILE: databricksFixture('sync-policies.json'),
    DATABRICKS_HOST: `${databricks.host}:${databricks.port}`,
    DATABRICKS_HTTP_PATH: databricks.path,
    DATABRICKS_TOKEN: databricks.token,
    DATABRICKS_CA_CERT: databricks.caCert,
  });

  it('fails on a catalog our service principal neither owns nor manages, and passes once it holds MANAGE there', async () => {
    const before = await doctorFromEnv(env());
    const privileges = before.checks.find((c) => c.name === 'catalog privileges')!;
    expect(privileges.status).toBe('FAIL');
    expect(privileges.detail).toContain('foreign');
    expect(privileges.detail).not.toContain('managed');
    expect(JSON.stringify(before)).not.toContain(databricks.token);

    databricks.metastore.grant(
      SP,
      ['USE SCHEMA', 'BROWSE', 'MANAGE', 'CREATE SCHEMA'],
      { type: 'CATALOG', objectType: 'CATALOG', path: ['foreign'] },
      'data-owners',
    );
    const after = await doctorFromEnv(env());
    expect(byName(after)).toMatchObject({ 'catalog privileges': 'OK', visibility: 'OK', 'governance schema': 'OK' });
  });

  it('warns where our service principal may not BROWSE a catalog it manages', async () => {
    databricks.metastore.revoke(SP, ['BROWSE'], { type: 'CATALOG', objectType: 'CATALOG', path: ['foreign'] });
    const report = await doctorFromEnv(env());
    const visibility = report.checks.find((c) => c.name === 'visibility')!;
    expect(visibility.status).toBe('WARN');
    expect(visibility.detail).toContain('foreign');
    expect(visibility.fix).toContain('GRANT BROWSE ON CATALOG');
  });
});
