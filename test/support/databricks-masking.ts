import { DBSQLClient } from '@databricks/sql';
import {
  type DatabricksCatalog,
  type DatabricksEmulator,
  startDatabricksEmulator,
} from '../../dev/emulators/databricks/server.js';
import { DatabricksConnector } from '../../shared/connectors/databricks/databricks-connector.js';
import { DATABRICKS_PRIVILEGES, databricksProfile } from '../../shared/connectors/databricks/profile.js';
import type { PrincipalNaming } from '../../shared/connectors/principal-names.js';
import { managedScope } from '../../shared/plan/scope.js';
import type { WorkerDeps } from '../../shared/sync/worker.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { maskPolicyJson, rowFilterPolicyJson } from './ranger-policies.js';
import { mutablePolicies } from './snowflake-masking.js';
import { startTestStorage, syncThroughWorker, type TestStorage } from './storage.js';

/** Personal access tokens of the two readers a test queries as. */
export const READERS = [
  { token: 'dapi-ann', user: 'ann@example.com' },
  { token: 'dapi-eve', user: 'eve@example.com' },
];

export interface DatabricksMaskingRig {
  storage: TestStorage;
  emulator: DatabricksEmulator;
  connector: DatabricksConnector;
  deps: WorkerDeps;
  policies: ReturnType<typeof mutablePolicies>;
  stop(): Promise<void>;
}

const NAMING: PrincipalNaming = { userRoleTemplate: '{name}@example.com', case: 'preserve' };

/** A connector that syncs masks into the rigs' governance schema, logged in with `token` (default: the emulator's admin). */
export const ucMaskingConnector = (emulator: DatabricksEmulator, takeover = false, token = emulator.token) =>
  DatabricksConnector.fromSettings(
    { host: `https://${emulator.host}:${emulator.port}`, path: emulator.path, token, caCert: emulator.caCert },
    { governanceSchema: 'policysync_governance', takeover, naming: NAMING },
  );

/** `logins`: more personal access tokens, each for its own user or service principal, beside the readers'. */
export async function startDatabricksMaskingRig(
  catalog: DatabricksCatalog,
  policies: unknown[],
  takeover = false,
  logins: { token: string; user: string }[] = [],
): Promise<DatabricksMaskingRig> {
  const [storage, emulator] = await Promise.all([
    startTestStorage(),
    startDatabricksEmulator({ catalog, readers: [...READERS, ...logins] }),
  ]);
  const connector = ucMaskingConnector(emulator, takeover);
  const source = mutablePolicies(policies);
  const deps: WorkerDeps = {
    store: storage.store,
    connector,
    policies: source.source,
    leaseSeconds: 60,
    profile: databricksProfile(NAMING),
    scope: managedScope({
      ignoreRoles: ['admins', 'account users', 'admin@example.com'],
      ignoreObjects: [],
      managedPrivileges: DATABRICKS_PRIVILEGES,
    }),
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
export const syncDatabricksMasking = (rig: DatabricksMaskingRig, resources: ResourceRef[], dryRun = false) =>
  syncThroughWorker(rig, resources, dryRun);

/** A reader's own driver connection (its own token, so its own user and groups). */
export async function readAsUser(
  emulator: DatabricksEmulator,
  token: string,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const client = new DBSQLClient({ logger: { log: () => undefined } });
  await client.connect({
    host: emulator.host,
    port: emulator.port,
    path: emulator.path,
    token,
    customCaCert: emulator.caCert,
    telemetryEnabled: false,
    retryMaxAttempts: 1,
  });
  try {
    const session = await client.openSession();
    const op = await session.executeStatement(sql, { runAsync: true });
    try {
      return (await op.fetchAll()) as Record<string, unknown>[];
    } finally {
      await op.close();
      await session.close();
    }
  } finally {
    await client.close();
  }
}

const ucResources = (table: string, column?: string) => ({
  catalog: { values: ['main'] },
  schema: { values: ['masked'] },
  table: { values: [table] },
  ...(column !== undefined ? { column: { values: [column] } } : {}),
});

export const ucMask = (
  id: number,
  table: string,
  column: string,
  dataMaskType: string,
  groups = ['analysts'],
  valueExpr?: string,
) => maskPolicyJson(id, ucResources(table, column), { groups }, dataMaskType, valueExpr);

export const ucRowFilter = (id: number, table: string, filterExpr: string, groups = ['analysts']) =>
  rowFilterPolicyJson(id, ucResources(table), { groups }, filterExpr);

export const ucTable = (t: string): ResourceRef => ({
  type: 'table',
  values: { catalog: 'main', schema: 'masked', table: t },
});
