import type { AzuriteHandle } from '../dev/azurite.js';
import { type FreshStorage, freshStorage } from '../dev/fresh-storage.js';
import { snowflakeModule } from '../shared/connectors/snowflake/module.js';
import { SNOWFLAKE_PRIVILEGES, snowflakeProfile } from '../shared/connectors/snowflake/profile.js';
import { SnowflakeConnector } from '../shared/connectors/snowflake/snowflake-connector.js';
import type { IntakeDeps } from '../shared/intake/create-task.js';
import { managedScope } from '../shared/plan/scope.js';
import { filePolicySource } from '../shared/policy/index.js';
import type { WorkerDeps } from '../shared/sync/worker.js';

export type BenchStorage = FreshStorage;

/** Azurite in this process (in-memory), or the given one, with a fresh task table, queue and resource-state table. */
export const startBenchStorage = (azurite?: AzuriteHandle): Promise<BenchStorage> => freshStorage('bench', azurite);

export interface ServiceRig {
  storage: BenchStorage;
  connector: SnowflakeConnector;
  deps: WorkerDeps;
  intake: IntakeDeps;
  close(): Promise<void>;
}

const naming = { userRoleTemplate: '{name}', case: 'upper' as const };

/**
 * The service side of a sync, wired as the runtime wires it: the real snowflake-sdk connector against an
 * emulator URL, the real worker, Azurite. `masking` builds the connector the way the runtime does by default
 * (masking and row-filter sync on, extra reads per table); without it, as the test rigs do.
 */
export async function startServiceRig(
  emulatorUrl: string,
  policyFile: string,
  opts: { masking?: boolean; storage?: BenchStorage } = {},
): Promise<ServiceRig> {
  const storage = opts.storage ?? (await startBenchStorage());
  const settings = { account: 'emulator', username: 'POLICYSYNC', password: 'emulator', accessUrl: emulatorUrl };
  const connector = opts.masking
    ? SnowflakeConnector.fromSettings(settings, { governanceSchema: 'POLICYSYNC_GOVERNANCE', takeover: false, naming })
    : SnowflakeConnector.fromSettings(settings);
  const deps: WorkerDeps = {
    store: storage.store,
    connector,
    policies: filePolicySource(policyFile),
    leaseSeconds: 60,
    profile: snowflakeProfile(naming),
    scope: managedScope({
      ignoreRoles: ['ACCOUNTADMIN', 'ORGADMIN', 'SECURITYADMIN', 'SYSADMIN', 'USERADMIN', 'PUBLIC'],
      ignoreObjects: [],
      managedPrivileges: SNOWFLAKE_PRIVILEGES.filter((p) => p !== 'REFERENCES'),
    }),
  };
  const intake: IntakeDeps = {
    store: storage.store,
    queue: storage.queue,
    warehouse: snowflakeModule,
    instance: 'bench',
  };
  return {
    storage,
    connector,
    deps,
    intake,
    close: async () => {
      await connector.close();
    },
  };
}
