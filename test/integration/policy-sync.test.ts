import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { parseV2 } from '../../shared/events/v2.js';
import { taskView } from '../../shared/http/task-view.js';
import { createTask } from '../../shared/intake/create-task.js';
import { runTask } from '../../shared/sync/worker.js';
import { parseTaskRequest } from '../../shared/task/task-request.js';
import { type SnowflakeRig, startSnowflakeRig } from '../support/snowflake-sync.js';

let rig: SnowflakeRig;
beforeAll(async () => {
  rig = await startSnowflakeRig();
});
afterAll(async () => {
  await rig?.stop();
});

/** A POLICY_SYNC request validated as the API validates it, stored, and run through one worker delivery. */
async function policySync(body: unknown) {
  const parsed = parseTaskRequest(body);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  const intake = { store: rig.storage.store, queue: rig.storage.queue, warehouse: snowflakeModule, instance: 't' };
  const { task } = await createTask(intake, { request: parsed.data }, { source: 'API' });
  expect(task.header).toMatchObject({ type: 'POLICY_SYNC', status: 'WAITING' });
  await runTask(task.header.taskId, rig.deps);
  const done = (await rig.storage.store.get(task.header.taskId))!;
  return taskView(done.header, await rig.storage.store.resources(task.header.taskId));
}

const held = (object: string) =>
  rig.emulator.account
    .grants()
    .filter((g) => g.on.name === object)
    .map((g) => `${g.privilege} ${g.to}`)
    .sort();

describe('POLICY_SYNC', () => {
  it('syncs the objects a policy names, one row each, and shows the policy with its version', async () => {
    rig.emulator.account.revoke({
      privilege: 'INSERT',
      on: { type: 'TABLE', path: ['SALES', 'PUBLIC', 'ORDERS'] },
      grantee: 'ENGINEER',
    });
    const view = await policySync({ type: 'POLICY_SYNC', requestInfo: { policies: [{ id: 2 }] } });
    expect(view).toMatchObject({ type: 'POLICY_SYNC', status: 'SUCCESS', policies: [{ id: 2 }] });
    expect(view.resources!.map((r) => [r.type, r.values, r.status])).toEqual([
      ['table', { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' }, 'SUCCESS'],
    ]);
    expect(held('SALES.PUBLIC.ORDERS')).toContain('INSERT ENGINEER');
  });

  it('syncs a policy covering a whole schema as that schema, not table by table', async () => {
    const view = await policySync({ type: 'POLICY_SYNC', requestInfo: { policies: [{ id: '1' }] } });
    expect(view.resources!.map((r) => [r.type, r.values])).toEqual([
      ['schema', { database: 'SALES', schema: 'PUBLIC' }],
    ]);
    expect(view.status).toBe('SUCCESS');
  });

  it('skips an unknown policy id with the reason, and syncs the known ones beside it', async () => {
    const view = await policySync({ type: 'POLICY_SYNC', requestInfo: { policies: [{ id: 404 }, { id: 2 }] } });
    expect(view.status).toBe('SUCCESS');
    expect(view.resources!.map((r) => [r.type, r.status])).toEqual([
      ['table', 'SUCCESS'],
      ['policy', 'SKIPPED'],
    ]);
    expect(view.resources![1]!).toMatchObject({
      values: { id: '404' },
      message: 'policy 404 is not in the policy source at version 7; check the id, or the service this instance syncs',
    });
  });

  it('ends SKIPPED when every policy it names is unknown', async () => {
    const view = await policySync({ type: 'POLICY_SYNC', requestInfo: { policies: [{ id: 404 }] } });
    expect(view).toMatchObject({ status: 'SKIPPED', counts: { resources: 1, skipped: 1 } });
  });

  it('comes through the Event Hub as the same request', () => {
    expect(parseV2({ type: 'POLICY_SYNC', requestInfo: { policies: [{ id: 3 }] } })).toEqual({
      request: { type: 'POLICY_SYNC', requestInfo: { policies: [{ id: 3 }] } },
    });
    expect(parseV2({ type: 'POLICY_SYNC', requestInfo: { policies: [{ id: 'x' }] } })).toMatchObject({
      invalid: expect.stringMatching(/^invalid POLICY_SYNC request: \$\.requestInfo\.policies\[0\]\.id/),
    });
  });
});
