import { fileURLToPath } from 'node:url';
import {
  type SnowflakeCatalog,
  type SnowflakeEmulator,
  startSnowflakeEmulator,
} from '../../dev/emulators/snowflake/index.js';
import type { MaskingOptions } from '../../shared/connectors/masking-port.js';
import { SNOWFLAKE_PRIVILEGES, snowflakeProfile } from '../../shared/connectors/snowflake/profile.js';
import { SnowflakeConnector } from '../../shared/connectors/snowflake/snowflake-connector.js';
import { managedScope } from '../../shared/plan/scope.js';
import { filePolicySource } from '../../shared/policy/index.js';
import type { WorkerDeps } from '../../shared/sync/worker.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { startTestStorage, type TestStorage, warehouseRig } from './storage.js';

export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/snowflake/${name}`, import.meta.url));

/**
 * The real connector logged in to an emulator (or to a proxy in front of one) as the rigs' service user, in `role` when
 * given (SNOWFLAKE_ROLE), creating missing roles when `createMissingRoles` (CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES).
 */
export const emulatorConnector = (
  accessUrl: string,
  masking?: MaskingOptions,
  role?: string,
  createMissingRoles = false,
) =>
  SnowflakeConnector.fromSettings(
    {
      account: 'emulator',
      username: 'POLICYSYNC',
      password: 'emulator',
      accessUrl,
      ...(role ? { role } : {}),
      createMissingRoles,
    },
    masking,
  );

export interface SnowflakeRig {
  storage: TestStorage;
  emulator: SnowflakeEmulator;
  connector: SnowflakeConnector;
  deps: WorkerDeps;
  stop(): Promise<void>;
}

/** Real Azurite, the Snowflake emulator and the real snowflake-sdk connector, wired into the real worker. */
export async function startSnowflakeRig(
  catalog: SnowflakeCatalog | string = fixture('sync-catalog.json'),
  policies = fixture('sync-policies.json'),
): Promise<SnowflakeRig> {
  const [storage, emulator] = await Promise.all([startTestStorage(), startSnowflakeEmulator({ catalog })]);
  const connector = emulatorConnector(emulator.url);
  const deps: WorkerDeps = {
    store: storage.store,
    connector,
    policies: filePolicySource(policies),
    leaseSeconds: 60,
    profile: snowflakeProfile({ userRoleTemplate: '{name}', case: 'upper' }),
    scope: managedScope({
      ignoreRoles: ['ACCOUNTADMIN', 'ORGADMIN', 'SECURITYADMIN', 'SYSADMIN', 'USERADMIN', 'PUBLIC'],
      ignoreObjects: [],
      managedPrivileges: SNOWFLAKE_PRIVILEGES.filter((p) => p !== 'REFERENCES'),
    }),
  };
  return warehouseRig(storage, emulator, connector, deps);
}

export { syncOnce } from './storage.js';

export const table = (t: string, schema = 'PUBLIC', database = 'SALES'): ResourceRef => ({
  type: 'table',
  values: { database, schema, table: t },
});
