import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { SNOWFLAKE_PRIVILEGES, snowflakeProfile } from '../../shared/connectors/snowflake/profile.js';
import { createTask } from '../../shared/intake/create-task.js';
import { managedScope } from '../../shared/plan/scope.js';
import { type PolicySource, parsePolicies } from '../../shared/policy/index.js';
import { runTask, type WorkerDeps } from '../../shared/sync/worker.js';
import { fixtureCatalog } from '../support/memory/fixture-catalog.js';
import { MemoryConnector } from '../support/memory/memory-connector.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

let s: TestStorage;
beforeAll(async () => {
  s = await startTestStorage();
});
afterAll(async () => {
  await s.azurite.stop();
});

const policies: PolicySource = {
  current: async () =>
    parsePolicies([
      {
        id: 1,
        name: 'analysts read public',
        isEnabled: true,
        policyType: 0,
        resources: {
          database: { values: ['SALES'] },
          schema: { values: ['PUBLIC'] },
          table: { values: ['*'] },
          column: { values: ['*'] },
        },
        policyItems: [{ accesses: [{ type: 'select', isAllowed: true }], roles: ['ANALYST'] }],
      },
    ]),
};

function workerDeps(connector: MemoryConnector, extra: Partial<WorkerDeps> = {}): WorkerDeps {
  return {
    store: s.store,
    connector,
    policies,
    leaseSeconds: 60,
    profile: snowflakeProfile({ userRoleTemplate: '{name}', case: 'upper' }),
    scope: managedScope({
      ignoreRoles: ['SYSADMIN', 'ACCOUNTADMIN', 'PUBLIC'],
      ignoreObjects: [],
      managedPrivileges: SNOWFLAKE_PRIVILEGES,
    }),
    ...extra,
  };
}

async function newTask(table: string) {
  const { task } = await createTask(
    { store: s.store, queue: s.queue, warehouse: snowflakeModule, instance: 't' },
    {
      request: {
        type: 'RESOURCE_SYNC',
        requestInfo: { resources: [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table } }] },
      },
    },
    { source: 'API' },
  );
  return task.header.taskId;
}

describe('sync worker', () => {
  it('grants what the policy allows, revokes drift, and a second delivery of the same message changes nothing', async () => {
    const connector = new MemoryConnector(fixtureCatalog());
    const taskId = await newTask('ORDERS');
    expect(await runTask(taskId, workerDeps(connector))).toBe('completed');
    const after = connector.statements.length;
    expect(connector.statements.join('\n')).toContain('GRANT SELECT ON TABLE SALES.PUBLIC.ORDERS TO ROLE ANALYST');
    expect(connector.statements.join('\n')).toContain('REVOKE SELECT ON TABLE SALES.PUBLIC.ORDERS FROM ROLE ENGINEER');
    const done = (await s.store.get(taskId))!;
    expect(done.header.status).toBe('SUCCESS');

    expect(await runTask(taskId, workerDeps(connector))).toBe('already_terminal');
    expect(connector.statements.length).toBe(after);
    expect((await s.store.get(taskId))!.etag).toBe(done.etag);
  });

  it('stands down when another worker holds a live lease, and takes over an expired one', async () => {
    const connector = new MemoryConnector(fixtureCatalog());
    const taskId = await newTask('CUSTOMERS');
    const t = (await s.store.get(taskId))!;
    const leased = await s.store.transition(t, 'INPROGRESS', {
      attempt: 1,
      leaseUntil: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(await runTask(taskId, workerDeps(connector))).toBe('claimed_elsewhere');
    await s.store.replace({
      header: { ...leased.header, leaseUntil: new Date(Date.now() - 1000).toISOString() },
      etag: leased.etag,
    });
    expect(await runTask(taskId, workerDeps(connector))).toBe('completed');
    const done = (await s.store.get(taskId))!.header;
    expect(done.status).toBe('SUCCESS');
    expect(done.attempt).toBe(2);
  });

  it('drops a message whose task does not exist', async () => {
    expect(await runTask('123', workerDeps(new MemoryConnector(fixtureCatalog())))).toBe('task_missing');
  });

  it('ends the task FAILED with the last error at the attempt cap when policies are unavailable', async () => {
    const taskId = await newTask('ORDERS');
    const broken: PolicySource = {
      current: async () => {
        throw new Error('Ranger Admin unreachable');
      },
    };
    const deps = workerDeps(new MemoryConnector(fixtureCatalog()), { policies: broken, maxAttempts: 2 });
    await expect(runTask(taskId, deps)).rejects.toThrow('unreachable');
    expect((await s.store.get(taskId))!.header).toMatchObject({
      status: 'INPROGRESS',
      lastError: 'Ranger Admin unreachable',
    });
    await expect(runTask(taskId, deps)).rejects.toThrow('unreachable');
    const failed = (await s.store.get(taskId))!.header;
    expect(failed.status).toBe('FAILED');
    expect(failed.message).toContain('Ranger Admin unreachable');
  });
});
