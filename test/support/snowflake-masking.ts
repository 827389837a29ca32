import snowflake, { type Connection } from 'snowflake-sdk';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../../dev/emulators/snowflake/index.js';
import type { SnowflakeCatalog } from '../../dev/emulators/snowflake/seed.js';
import { SNOWFLAKE_PRIVILEGES, snowflakeProfile } from '../../shared/connectors/snowflake/profile.js';
import type { SnowflakeConnector } from '../../shared/connectors/snowflake/snowflake-connector.js';
import { managedScope } from '../../shared/plan/scope.js';
import { type PolicySnapshot, parsePolicies } from '../../shared/policy/index.js';
import type { WorkerDeps } from '../../shared/sync/worker.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { maskPolicyJson, rowFilterPolicyJson } from './ranger-policies.js';
import { emulatorConnector } from './snowflake-sync.js';
import { startTestStorage, syncThroughWorker, type TestStorage } from './storage.js';

export const SYSTEM_ROLES = ['ACCOUNTADMIN', 'ORGADMIN', 'SECURITYADMIN', 'SYSADMIN', 'USERADMIN', 'PUBLIC'];

/** A policy source the test edits between syncs. */
export function mutablePolicies(policies: unknown[], version = 1) {
  let snapshot: PolicySnapshot = parsePolicies({ serviceName: 'snowflake_test', policyVersion: version, policies });
  return {
    source: { current: async () => snapshot },
    set(next: unknown[], v = version + 1) {
      version = v;
      snapshot = parsePolicies({ serviceName: 'snowflake_test', policyVersion: v, policies: next });
    },
  };
}

export interface MaskingRig {
  storage: TestStorage;
  emulator: SnowflakeEmulator;
  connector: SnowflakeConnector;
  deps: WorkerDeps;
  policies: ReturnType<typeof mutablePolicies>;
  stop(): Promise<void>;
}

const NAMING = { userRoleTemplate: '{name}', case: 'upper' as const };

/** A connector that syncs masking policies into the rigs' governance schema; another instance when called again. */
export const maskingConnector = (emulator: SnowflakeEmulator, takeover = false, role?: string) =>
  emulatorConnector(emulator.url, { governanceSchema: 'POLICYSYNC_GOVERNANCE', takeover, naming: NAMING }, role);

export async function startMaskingRig(
  catalog: SnowflakeCatalog,
  policies: unknown[],
  takeover = false,
): Promise<MaskingRig> {
  const [storage, emulator] = await Promise.all([
    startTestStorage(),
    startSnowflakeEmulator({
      catalog,
      users: [
        { name: 'POLICYSYNC', password: 'emulator' },
        { name: 'READER', password: 'reader' },
        { name: 'BOB', password: 'bob' },
      ],
    }),
  ]);
  const connector = maskingConnector(emulator, takeover);
  const source = mutablePolicies(policies);
  const deps: WorkerDeps = {
    store: storage.store,
    connector,
    policies: source.source,
    leaseSeconds: 60,
    profile: snowflakeProfile(NAMING),
    scope: managedScope({ ignoreRoles: SYSTEM_ROLES, ignoreObjects: [], managedPrivileges: SNOWFLAKE_PRIVILEGES }),
  };
  return {
    storage,
    emulator,
    connector,
    deps,
    policies: source,
    stop: async () => {
      await connector.close();
      await emulator.stop();
      await storage.azurite.stop();
    },
  };
}

/** Creates a task for `resources` and runs one worker delivery of it; returns the stored task and rows. */
export const syncMasking = (rig: MaskingRig, resources: ResourceRef[], dryRun = false) =>
  syncThroughWorker(rig, resources, dryRun);

/** A reader's own driver connection: `USE ROLE`, then SELECT through the masks and row access policies. */
export async function readAs(
  emulator: SnowflakeEmulator,
  role: string,
  sql: string,
  user = 'READER',
  password = 'reader',
): Promise<Record<string, unknown>[]> {
  const conn: Connection = await snowflake
    .createConnection({ account: 'emulator', username: user, password, accessUrl: emulator.url })
    .connectAsync();
  const run = (sqlText: string) =>
    new Promise<Record<string, unknown>[]>((resolve, reject) => {
      conn.execute({
        sqlText,
        complete: (err, _s, rows) => (err ? reject(err) : resolve((rows ?? []) as Record<string, unknown>[])),
      });
    });
  try {
    await run(`USE ROLE "${role}"`);
    return await run(sql);
  } finally {
    await new Promise<void>((resolve) => conn.destroy(() => resolve()));
  }
}

const maskedResources = (table: string, column?: string) => ({
  database: { values: ['SALES'] },
  schema: { values: ['MASKED'] },
  table: { values: [table] },
  ...(column !== undefined ? { column: { values: [column] } } : {}),
});

export const maskPolicy = (
  id: number,
  table: string,
  column: string,
  dataMaskType: string,
  roles = ['analyst'],
  valueExpr?: string,
) => maskPolicyJson(id, maskedResources(table, column), { roles }, dataMaskType, valueExpr);

export const rowFilterPolicy = (id: number, table: string, filterExpr: string, roles = ['analyst']) =>
  rowFilterPolicyJson(id, maskedResources(table), { roles }, filterExpr);

export const readersPolicy = {
  id: 100,
  name: 'readers',
  policyType: 0,
  isEnabled: true,
  resources: {
    database: { values: ['SALES'] },
    schema: { values: ['MASKED'] },
    table: { values: ['*'] },
    column: { values: ['*'] },
  },
  policyItems: [{ accesses: [{ type: 'select', isAllowed: true }], roles: ['analyst', 'engineer'] }],
};

export const maskedTable = (t: string): ResourceRef => ({
  type: 'table',
  values: { database: 'SALES', schema: 'MASKED', table: t },
});
