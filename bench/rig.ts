import { randomBytes } from 'node:crypto';
import { startAzurite, type AzuriteHandle } from '../dev/azurite.js';
import { snowflakeProfile, SNOWFLAKE_PRIVILEGES } from '../shared/connectors/snowflake/profile.js';
import { SnowflakeConnector } from '../shared/connectors/snowflake/snowflake-connector.js';
import type { IntakeDeps } from '../shared/intake/create-task.js';
import { filePolicySource } from '../shared/policy/index.js';
import { queueClient, tableClient } from '../shared/store/clients.js';
import { DispatchQueue } from '../shared/store/dispatch-queue.js';
import { ResourceStateStore } from '../shared/store/resource-state.js';
import { TaskStore } from '../shared/store/task-store.js';
import { managedScope } from '../shared/sync/scope.js';
import type { WorkerDeps } from '../shared/sync/worker.js';

export interface BenchStorage { azurite: AzuriteHandle; store: TaskStore; queue: DispatchQueue; states: ResourceStateStore }

/** Azurite in this process (in-memory) with a fresh task table, queue and resource-state table. */
export async function startBenchStorage(azurite?: AzuriteHandle): Promise<BenchStorage> {
  const a = azurite ?? (await startAzurite());
  const suffix = randomBytes(4).toString('hex');
  const settings = { connectionString: a.connectionString };
  const store = new TaskStore(tableClient(settings, `bench${suffix}`));
  const queue = new DispatchQueue(queueClient(settings, `bench-${suffix}`), queueClient(settings, `bench-${suffix}-poison`));
  const states = new ResourceStateStore(tableClient(settings, `bench${suffix}resources`));
  await Promise.all([store.init(), queue.init(), states.init()]);
  return { azurite: a, store, queue, states };
}

export interface ServiceRig { storage: BenchStorage; connector: SnowflakeConnector; deps: WorkerDeps; intake: IntakeDeps; close(): Promise<void> }

const naming = { userRoleTemplate: '{name}', case: 'upper' as const };

/**
 * The service side of a sync, wired as the runtime wires it: the real snowflake-sdk connector against an
 * emulator URL, the real worker, Azurite. `masking` builds the connector the way the runtime does by default
 * (masking and row-filter sync on, extra reads per table); without it, as the test rigs do.
 */
export async function startServiceRig(emulatorUrl: string, policyFile: string, opts: { masking?: boolean; storage?: BenchStorage } = {}): Promise<ServiceRig> {
  const storage = opts.storage ?? (await startBenchStorage());
  const settings = { account: 'emulator', username: 'POLICYSYNC', password: 'emulator', accessUrl: emulatorUrl };
  const connector = opts.masking
    ? SnowflakeConnector.fromSettings(settings, { governanceSchema: 'POLICYSYNC_GOVERNANCE', takeover: false, naming })
    : SnowflakeConnector.fromSettings(settings);
  const deps: WorkerDeps = {
    store: storage.store, connector, policies: filePolicySource(policyFile), leaseSeconds: 60,
    profile: snowflakeProfile(naming),
    scope: managedScope({ ignoreRoles: ['ACCOUNTADMIN', 'ORGADMIN', 'SECURITYADMIN', 'SYSADMIN', 'USERADMIN', 'PUBLIC'], ignoreObjects: [], managedPrivileges: SNOWFLAKE_PRIVILEGES.filter((p) => p !== 'REFERENCES') }),
  };
  const intake: IntakeDeps = { store: storage.store, queue: storage.queue, kind: 'snowflake', instance: 'bench' };
  return { storage, connector, deps, intake, close: async () => { await connector.close(); } };
}
