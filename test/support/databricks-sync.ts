import { fileURLToPath } from 'node:url';
import {
  type DatabricksCatalog,
  type DatabricksEmulator,
  type DatabricksEmulatorOptions,
  startDatabricksEmulator,
} from '../../dev/emulators/databricks/index.js';
import { DatabricksConnector } from '../../shared/connectors/databricks/databricks-connector.js';
import { DATABRICKS_PRIVILEGES, databricksProfile } from '../../shared/connectors/databricks/profile.js';
import type { DatabricksSettings } from '../../shared/connectors/databricks/session.js';
import type { PrincipalNaming } from '../../shared/connectors/principal-names.js';
import { managedScope } from '../../shared/plan/scope.js';
import { filePolicySource } from '../../shared/policy/index.js';
import type { WorkerDeps } from '../../shared/sync/worker.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { startTestStorage, type TestStorage, warehouseRig } from './storage.js';

export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/databricks/${name}`, import.meta.url));

export interface DatabricksRig {
  storage: TestStorage;
  emulator: DatabricksEmulator;
  connector: DatabricksConnector;
  deps: WorkerDeps;
  stop(): Promise<void>;
}

/** How the connector logs in: a personal access token, or an OAuth client id and secret. */
export type DatabricksLogin = Pick<DatabricksSettings, 'token' | 'clientId' | 'clientSecret'>;

/** The real connector pointed at the emulator (its CA trusted), logging in with `login` (default: its token). */
export const emulatorConnector = (emulator: DatabricksEmulator, login: DatabricksLogin = { token: emulator.token }) =>
  DatabricksConnector.fromSettings({
    host: `https://${emulator.host}:${emulator.port}`,
    path: emulator.path,
    caCert: emulator.caCert,
    ...login,
  });

/** Real Azurite, the Databricks emulator and the real @databricks/sql connector, wired into the real worker. */
export async function startDatabricksRig(
  catalog: DatabricksCatalog | string = fixture('sync-catalog.json'),
  policyFile = fixture('sync-policies.json'),
  emulatorOptions: Omit<DatabricksEmulatorOptions, 'catalog'> = {},
): Promise<DatabricksRig> {
  const [storage, emulator] = await Promise.all([
    startTestStorage(),
    startDatabricksEmulator({ ...emulatorOptions, catalog }),
  ]);
  const naming: PrincipalNaming = { userRoleTemplate: '{name}', case: 'preserve' };
  const policies = filePolicySource(policyFile);
  const connector = emulatorConnector(emulator);
  const deps: WorkerDeps = {
    store: storage.store,
    connector,
    policies,
    leaseSeconds: 60,
    profile: databricksProfile(naming),
    scope: managedScope({
      ignoreRoles: ['admins', 'account users', 'admin@example.com'],
      ignoreObjects: [],
      managedPrivileges: DATABRICKS_PRIVILEGES,
    }),
  };
  return warehouseRig(storage, emulator, connector, deps);
}

export { syncOnce } from './storage.js';

export const table = (t: string, schema = 'sales', catalog = 'main'): ResourceRef => ({
  type: 'table',
  values: { catalog, schema, table: t },
});
export const view = (t: string, schema = 'sales', catalog = 'main'): ResourceRef => ({
  type: 'view',
  values: { catalog, schema, table: t },
});
