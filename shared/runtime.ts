import { UnresolvedSettingsError, type Config } from './config.js';
import type { Connector } from './connectors/connector.js';
import { databricksProfile, DATABRICKS_PRIVILEGES } from './connectors/databricks/profile.js';
import { snowflakeProfile, SNOWFLAKE_PRIVILEGES } from './connectors/snowflake/profile.js';
import { filePolicySource, rangerAdminSource, type PolicySource } from './policy/index.js';
import { queueClient, tableClient } from './store/clients.js';
import { DispatchQueue } from './store/dispatch-queue.js';
import { StoreError, statusCodeOf } from './store/errors.js';
import { ResourceStateStore } from './store/resource-state.js';
import { TaskStore } from './store/task-store.js';
import type { WarehouseProfile } from './plan/profile.js';
import { managedScope, type ManagedScope } from './plan/scope.js';

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

export async function buildServices(config: Config, overrides: Partial<Pick<Services, 'connector'>> = {}): Promise<Services> {
  if (config.unresolvedSettings.length > 0) throw new UnresolvedSettingsError(config.unresolvedSettings);
  const store = new TaskStore(tableClient(config.storage, config.tasksTable), { keyTtlHours: config.idempotencyTtlHours });
  const queue = new DispatchQueue(queueClient(config.storage, config.syncQueue), queueClient(config.storage, `${config.syncQueue}-poison`));
  // Resource states sit beside the tasks, in `<TASKS_TABLE>resources`.
  const states = new ResourceStateStore(tableClient(config.storage, `${config.tasksTable}resources`));
  // These calls reach storage and nothing else: whatever fails here is storage unavailable (a 503 to an API caller).
  await Promise.all([store.init(), queue.init(), states.init()]).catch((err: unknown) => {
    throw err instanceof StoreError ? err : new StoreError('STORAGE_UNAVAILABLE', `storage could not be prepared (${statusCodeOf(err) ?? (err as Error).message})`);
  });
  const dbx = config.connectorKind === 'databricks_unity_catalog';
  const profile = dbx ? databricksProfile(config.principals) : snowflakeProfile(config.principals);
  return {
    config, store, queue, states, profile,
    connector: overrides.connector ?? (await connectorFor(config)),
    scope: managedScope({ ...config.scope, managedPrivileges: config.scope.managedPrivileges ?? (dbx ? DATABRICKS_PRIVILEGES : SNOWFLAKE_PRIVILEGES) }),
    policies: config.policy.ranger
      ? rangerAdminSource({ ...config.policy.ranger, pluginId: `policysync@${config.instance}` })
      : filePolicySource(config.policy.file ?? ''),
  };
}

/**
 * One deployment serves one connector kind, so only that kind's driver is loaded: the other driver would cost
 * every instance tens of megabytes and cold-start time for nothing.
 */
async function connectorFor(config: Config): Promise<Connector> {
  switch (config.connectorKind) {
    case 'memory': {
      const [{ MemoryConnector }, { fixtureCatalog }] = await Promise.all([
        import('./connectors/memory/memory-connector.js'), import('./connectors/memory/fixture-catalog.js')]);
      return new MemoryConnector(fixtureCatalog());
    }
    case 'snowflake': {
      const { SnowflakeConnector } = await import('./connectors/snowflake/snowflake-connector.js');
      return SnowflakeConnector.fromSettings(config.snowflake, masking(config));
    }
    case 'databricks_unity_catalog': {
      const { DatabricksConnector } = await import('./connectors/databricks/databricks-connector.js');
      return DatabricksConnector.fromSettings(config.databricks, masking(config));
    }
  }
}

/** Masking sync is on unless the governance schema setting says `none`. */
const masking = (config: Config) => (config.masking.governanceSchema.trim().toLowerCase() === 'none' ? undefined
  : { governanceSchema: config.masking.governanceSchema.trim(), takeover: config.masking.takeover, naming: config.principals });
