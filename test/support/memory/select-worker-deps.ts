import { SNOWFLAKE_PRIVILEGES, snowflakeProfile } from '../../../shared/connectors/snowflake/profile.js';
import { managedScope } from '../../../shared/plan/scope.js';
import { parsePolicies } from '../../../shared/policy/index.js';
import type { TaskStore } from '../../../shared/store/task-store.js';
import type { WorkerDeps } from '../../../shared/sync/worker.js';
import { fixtureCatalog } from './fixture-catalog.js';
import { MemoryConnector } from './memory-connector.js';

/** A worker over the in-memory fixture catalog under one policy: ANALYST may SELECT every table of SALES. */
export const selectWorkerDeps = (store: TaskStore, more: Partial<WorkerDeps> = {}): WorkerDeps => ({
  store,
  connector: new MemoryConnector(fixtureCatalog()),
  leaseSeconds: 60,
  policies: {
    current: async () =>
      parsePolicies([
        {
          id: 1,
          name: 'p',
          resources: { database: { values: ['SALES'] }, schema: { values: ['*'] }, table: { values: ['*'] } },
          policyItems: [{ accesses: [{ type: 'select' }], roles: ['ANALYST'] }],
        },
      ]),
  },
  profile: snowflakeProfile({ userRoleTemplate: '{name}', case: 'upper' }),
  scope: managedScope({ ignoreRoles: ['SYSADMIN'], ignoreObjects: [], managedPrivileges: SNOWFLAKE_PRIVILEGES }),
  ...more,
});
