import { type Config, UnresolvedSettingsError } from './config.js';
import type { Connector } from './connectors/connector.js';
import type { WarehouseProfile } from './plan/profile.js';
import { type ManagedScope, managedScope } from './plan/scope.js';
import { filePolicySource, type PolicySource, rangerAdminSource } from './policy/index.js';
import { queueClient, tableClient } from './store/clients.js';
import { DispatchQueue } from './store/dispatch-queue.js';
import { StoreError, statusCodeOf } from './store/errors.js';
import { ResourceStateStore } from './store/resource-state.js';
import { TaskStore } from './store/task-store.js';

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
}

export async function buildServices(
  config: Config,
  overrides: Partial<Pick<Services, 'connector'>> = {},
): Promise<Services> {
  if (config.unresolvedSettings.length > 0) throw new UnresolvedSettingsError(config.unresolvedSettings);
  // Unfinished tasks are listed in `<TASKS_TABLE>open`, the rest of the status index beside the tasks.
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
  // These calls reach storage and nothing else: whatever fails here is storage unavailable (a 503 to an API caller).
  await Promise.all([store.init(), queue.init(), states.init()]).catch((err: unknown) => {
    throw err instanceof StoreError
      ? err
      : new StoreError(
          'STORAGE_UNAVAILABLE',
          `storage could not be prepared (${statusCodeOf(err) ?? (err as Error).message})`,
        );
  });
  const { module } = config.warehouse;
  const maskingOptions = masking(config);
  return {
    config,
    store,
    queue,
    states,
    profile: module.profile(config.principals),
    // Only the configured warehouse's driver is loaded: the other would cost every instance tens of megabytes and
    // cold-start time for nothing.
    connector:
      overrides.connector ?? (await config.warehouse.connect(maskingOptions ? { masking: maskingOptions } : {})),
    scope: managedScope({ ...config.scope, managedPrivileges: config.scope.managedPrivileges ?? module.privileges }),
    policies: config.policy.ranger
      ? rangerAdminSource({ ...config.policy.ranger, pluginId: `policysync@${config.instance}` })
      : filePolicySource(config.policy.file ?? ''),
  };
}

/** Masking sync is on unless the governance schema setting says `none`. */
const masking = (config: Config) =>
  config.masking.governanceSchema.trim().toLowerCase() === 'none'
    ? undefined
    : {
        governanceSchema: config.masking.governanceSchema.trim(),
        takeover: config.masking.takeover,
        naming: config.principals,
      };
