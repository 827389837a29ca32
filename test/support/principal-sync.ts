import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type SnowflakeCatalog,
  type SnowflakeEmulator,
  startSnowflakeEmulator,
} from '../../dev/emulators/snowflake/index.js';
import { warehouseOfKind } from '../../shared/connectors/modules.js';
import { SNOWFLAKE_PRIVILEGES, snowflakeProfile } from '../../shared/connectors/snowflake/profile.js';
import { SnowflakeConnector } from '../../shared/connectors/snowflake/snowflake-connector.js';
import { createTask } from '../../shared/intake/create-task.js';
import { managedScope } from '../../shared/plan/scope.js';
import { filePolicySource } from '../../shared/policy/index.js';
import { filePrincipalSource } from '../../shared/principals/principals-file-source.js';
import type { UserStoreInput } from '../../shared/principals/user-store.js';
import { runTask, type WorkerDeps } from '../../shared/sync/worker.js';
import type { PrincipalRef } from '../../shared/task/principal-request.js';
import { fixture } from './snowflake-sync.js';
import { startTestStorage, type TestStorage } from './storage.js';

export const SYSTEM_ROLES = ['ACCOUNTADMIN', 'ORGADMIN', 'SECURITYADMIN', 'SYSADMIN', 'USERADMIN', 'PUBLIC'];

export interface PrincipalRig {
  storage: TestStorage;
  emulator: SnowflakeEmulator;
  deps: WorkerDeps;
  /** Makes `store` what Ranger says from now on (a new PRINCIPALS_FILE, read by the real file source); its path. */
  ranger(store: UserStoreInput): Promise<string>;
  stop(): Promise<void>;
}

export interface PrincipalRigOptions {
  /** SNOWFLAKE_ROLE: the connector's own role. */
  role?: string;
  exclude?: string[];
  createUsers?: boolean;
}

/** Real Azurite, the Snowflake emulator and the real connector in the real worker, principals from a real file. */
export async function startPrincipalRig(
  catalog: SnowflakeCatalog,
  opts: PrincipalRigOptions = {},
): Promise<PrincipalRig> {
  const [storage, emulator, dir] = await Promise.all([
    startTestStorage(),
    startSnowflakeEmulator({ catalog }),
    mkdtemp(join(tmpdir(), 'principals-')),
  ]);
  const connector = SnowflakeConnector.fromSettings({
    account: 'emulator',
    username: 'POLICYSYNC',
    password: 'emulator',
    accessUrl: emulator.url,
    ...(opts.role ? { role: opts.role } : {}),
    createMissingUsers: opts.createUsers ?? false,
  });
  const naming = { userRoleTemplate: '{name}', case: 'upper' as const };
  const deps: WorkerDeps = {
    store: storage.store,
    connector,
    policies: filePolicySource(fixture('sync-policies.json')),
    leaseSeconds: 60,
    profile: snowflakeProfile(naming),
    scope: managedScope({ ignoreRoles: SYSTEM_ROLES, ignoreObjects: [], managedPrivileges: SNOWFLAKE_PRIVILEGES }),
    principals: {
      source: undefined,
      scope: { include: ['*'], exclude: [...(opts.exclude ?? []), ...SYSTEM_ROLES] },
      naming,
    },
    coalescing: { states: storage.states, queue: storage.queue },
  };
  let files = 0;
  return {
    storage,
    emulator,
    deps,
    ranger: async (store) => {
      const path = join(dir, `principals-${files++}.json`);
      await writeFile(path, JSON.stringify(store));
      deps.principals = { ...deps.principals!, source: filePrincipalSource(path) };
      return path;
    },
    stop: async () => {
      await connector.close();
      await emulator.stop();
      await storage.azurite.stop();
    },
  };
}

/** Creates a PRINCIPAL_SYNC task through the intake; returns its id. */
export async function principalTask(
  rig: Pick<PrincipalRig, 'storage' | 'deps'>,
  principals: PrincipalRef[],
  dryRun = false,
) {
  const { task } = await createTask(
    {
      store: rig.storage.store,
      queue: rig.storage.queue,
      warehouse: warehouseOfKind(rig.deps.connector.kind)!,
      instance: 't',
    },
    { request: { type: 'PRINCIPAL_SYNC', requestInfo: { principals } } },
    { source: 'API', dryRun },
  );
  return task.header.taskId;
}

/** Runs one worker delivery of a task; returns the stored task and rows. */
export async function runPrincipalTask(rig: Pick<PrincipalRig, 'storage' | 'deps'>, taskId: string) {
  await runTask(taskId, rig.deps);
  const done = (await rig.storage.store.get(taskId))!;
  return { header: done.header, rows: await rig.storage.store.resources(taskId) };
}

export const syncPrincipals = async (rig: PrincipalRig, principals: PrincipalRef[], dryRun = false) =>
  runPrincipalTask(rig, await principalTask(rig, principals, dryRun));
