import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { createTask } from '../../shared/intake/create-task.js';
import { nameKey } from '../../shared/store/name-key.js';
import { runTask } from '../../shared/sync/worker.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { type SnowflakeRig, startSnowflakeRig, table } from '../support/snowflake-sync.js';

let rig: SnowflakeRig;
beforeAll(async () => {
  rig = await startSnowflakeRig();
  rig.deps.coalescing = { states: rig.storage.states, queue: rig.storage.queue };
});
afterAll(async () => {
  await rig.stop();
});

const reads = () => rig.emulator.control.statements().filter((s) => s.sql.includes('UNION ALL')).length;

async function submit(resources: ResourceRef[]) {
  const { task } = await createTask(
    { store: rig.storage.store, queue: rig.storage.queue, warehouse: snowflakeModule, instance: 't' },
    { request: { type: 'RESOURCE_SYNC', requestInfo: { resources } } },
    { source: 'API' },
  );
  return task.header.taskId;
}

async function until(check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Makes the task's lease look lapsed, as after a worker paused longer than its lease: the next delivery may claim it. */
async function lapse(taskId: string) {
  const t = (await rig.storage.store.get(taskId))!;
  await rig.storage.store.replace({
    ...t,
    header: { ...t.header, leaseUntil: new Date(Date.now() - 1000).toISOString() },
  });
}

describe('a second attempt of the same task', () => {
  it('cannot pass a resource lock the first attempt still holds', async () => {
    rig.emulator.control.reset();
    rig.emulator.control.setLatency(400);
    try {
      const taskId = await submit([table('ORDERS')]);
      const first = runTask(taskId, rig.deps).catch((err: unknown) => err);
      const lock = nameKey(['SALES', 'PUBLIC', 'ORDERS']);
      await until(async () => (await rig.storage.states.get([lock]))[0]?.leaseUntil !== undefined);
      await lapse(taskId);
      const second = await runTask(taskId, rig.deps);
      expect(second).toBe('deferred');
      await first;
      expect(reads()).toBe(1);
    } finally {
      rig.emulator.control.setLatency(0);
    }
  });

  it('a stale attempt does not overwrite the outcome a newer attempt wrote', async () => {
    rig.emulator.control.reset();
    rig.emulator.control.setLatency(300);
    try {
      const taskId = await submit([table('CUSTOMERS')]);
      const first = runTask(taskId, rig.deps).catch((err: unknown) => err);
      const lock = nameKey(['SALES', 'PUBLIC', 'CUSTOMERS']);
      await until(async () => (await rig.storage.states.get([lock]))[0]?.leaseUntil !== undefined);
      // A newer attempt takes the task over and records its outcome while the first still runs.
      await lapse(taskId);
      const current = (await rig.storage.store.get(taskId))!;
      const newer = (await rig.storage.store.claim(current, 60, new Date()))!;
      const [row] = await rig.storage.store.resources(taskId);
      await rig.storage.store.writeResource(taskId, {
        ...row!,
        status: 'FAILED',
        message: 'newer attempt',
        updatedAt: new Date().toISOString(),
      });
      await first;
      const [after] = await rig.storage.store.resources(taskId);
      expect(after!.message).toBe('newer attempt');
      expect((await rig.storage.store.get(taskId))!.header.attempt).toBe(newer.header.attempt);
    } finally {
      rig.emulator.control.setLatency(0);
    }
  });
});
