import { type Config, UnresolvedSettingsError } from './config.js';
import type { Connector } from './connectors/connector.js';
import type { WarehouseProfile } from './plan/profile.js';
import { type ManagedScope, managedScope } from './plan/scope.js';
import { filePolicySource, type PolicySource, rangerAdminSource } from './policy/index.js';
import { filePrincipalSource } from './principals/principals-file-source.js';
import { rangerUserStoreSource } from './principals/ranger-user-store-source.js';
import { queueClient, tableClient } from './store/clients.js';
import { DispatchQueue } from './store/dispatch-queue.js';
import { StoreError, statusCodeOf } from './store/errors.js';
import { PolicySnapshotStore } from './store/policy-snapshot-store.js';
import { prepareTogether } from './store/prepare-together.js';
import { ResourceStateStore } from './store/resource-state.js';
import { TaskStore } from './store/task-store.js';
import type { PrincipalSyncDeps } from './sync/principal-context.js';

/** Everything a function needs, built once per process from the configuration. */
export interface Services {
  config: Config;
  store: TaskStore;
  queue: DispatchQueue;
  states: ResourceStateStore;
  connector: Connector;
  profile: WarehouseProfile;
  scope: ManagedScope;
  policies: PolicySource;
  /** The policy watcher's last policy set. */
  snapshots: PolicySnapshotStore;
  principals: PrincipalSyncDeps;
}

export async function buildServices(
  config: Config,
  overrides: Partial<Pick<Services, 'connector'>> = {},
): Promise<Services> {
  if (config.unresolvedSettings.length > 0) throw new UnresolvedSettingsError(config.unresolvedSettings);
  const storage = await prepareStorage(config);
  const { module } = config.warehouse;
  return {
    config,
    ...storage,
    profile: module.profile(config.principals),
    // Only the configured warehouse's driver is loaded: the other would cost every instance tens of megabytes and
    // cold-start time for nothing.
    connector: overrides.connector ?? (await connectWarehouse(config)),
    scope: managedScope({ ...config.scope, managedPrivileges: config.scope.managedPrivileges ?? module.privileges }),
    policies: policySource(config),
    principals: principalSyncDeps(config),
  };
}

/** The task table, the resource states and the queues, created when missing. */
export async function prepareStorage(
  config: Config,
): Promise<Pick<Services, 'store' | 'queue' | 'states' | 'snapshots'>> {
  const store = new TaskStore(tableClient(config.storage, config.tasksTable), {
    keyTtlHours: config.idempotencyTtlHours,
    openTable: tableClient(config.storage, `${config.tasksTable}open`),
  });
  const queue = new DispatchQueue(
    queueClient(config.storage, config.syncQueue),
    queueClient(config.storage, `${config.syncQueue}-poison`),
  );
  // Resource states sit beside the tasks, in `<TASKS_TABLE>resources`.
  const states = new ResourceStateStore(tableClient(config.storage, `${config.tasksTable}resources`));
  const snapshots = new PolicySnapshotStore(tableClient(config.storage, `${config.tasksTable}policies`));
  // These calls reach storage and nothing else: whatever fails here is storage unavailable (a 503 to an API caller).
  await prepareTogether([
    (signal) => store.init(signal),
    (signal) => queue.init(signal),
    (signal) => states.init(signal),
    (signal) => snapshots.init(signal),
  ]).catch((err: unknown) => {
    throw err instanceof StoreError
      ? err
      : new StoreError(
          'STORAGE_UNAVAILABLE',
          `storage could not be prepared (${statusCodeOf(err) ?? (err as Error).message})`,
        );
  });
  return { store, queue, states, snapshots };
}

/**
 * PRINCIPALS_FILE, else Ranger Admin's user store with the policy source's credentials. The scope always leaves out
 * IGNORE_ROLES and the warehouse's own administrators, whatever PRINCIPAL_SYNC_EXCLUDE says.
 */
function principalSyncDeps(config: Config): PrincipalSyncDeps {
  const { file, include, exclude } = config.principalSync;
  const ranger = config.policy.ranger;
  const systemRoles = config.warehouse.module.defaults.ignoreRoles.split(',').map((r) => r.trim());
  return {
    source: file
      ? filePrincipalSource(file)
      : ranger
        ? rangerUserStoreSource({ ...ranger, pluginId: `policysync@${config.instance}` })
        : undefined,
    scope: { include, exclude: [...exclude, ...config.scope.ignoreRoles, ...systemRoles] },
    naming: config.principals,
  };
}

/** The configured warehouse's connector, with masking sync unless it is turned off. */
export function connectWarehouse(config: Config): Promise<Connector> {
  const maskingOptions = masking(config);
  return config.warehouse.connect(maskingOptions ? { masking: maskingOptions } : {});
}

export const policySource = (config: Config): PolicySource =>
  config.policy.ranger
    ? rangerAdminSource({ ...config.policy.ranger, pluginId: `policysync@${config.instance}` })
    : filePolicySource(config.policy.file ?? '');

/** Masking sync is on unless the governance schema setting says `none`. */
const masking = (config: Config) =>
  config.masking.governanceSchema.trim().toLowerCase() === 'none'
    ? undefined
    : {
        governanceSchema: config.masking.governanceSchema.trim(),
        takeover: config.masking.takeover,
        naming: config.principals,
      };
