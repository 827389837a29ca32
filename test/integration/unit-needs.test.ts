import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { createTask } from '../../shared/intake/create-task.js';
import { UnitStore } from '../../shared/store/unit-store.js';
import { drain } from '../support/queue-drain.js';
import { type SnowflakeRig, startSnowflakeRig } from '../support/snowflake-sync.js';

const PRINCIPALS = 5_000;
const role = (i: number) => `READER_${String(i).padStart(5, '0')}_WITH_A_LONGER_NAME`;
const dir = mkdtempSync(join(tmpdir(), 'unit-needs-'));
let rig: SnowflakeRig;

beforeAll(async () => {
  const roles = Array.from({ length: PRINCIPALS }, (_, i) => role(i));
  const policies = join(dir, 'policies.json');
  writeFileSync(
    policies,
    JSON.stringify({
      serviceName: 'needs',
      policyVersion: 1,
      policies: [
        {
          id: 1,
          name: 'everyone reads the one table',
          isEnabled: true,
          policyType: 0,
          resources: {
            database: { values: ['WIDE'] },
            schema: { values: ['S'] },
            table: { values: ['T'] },
            column: { values: ['*'] },
          },
          policyItems: [{ accesses: [{ type: 'select', isAllowed: true }], roles: roles.map((r) => r.toLowerCase()) }],
        },
      ],
    }),
  );
  rig = await startSnowflakeRig(
    {
      databases: [
        { name: 'WIDE', schemas: [{ name: 'S', tables: [{ name: 'T', kind: 'TABLE', columns: [{ name: 'ID' }] }] }] },
      ],
      roles: roles.map((name) => ({ name })),
      grants: [],
    },
    policies,
  );
  rig.deps.queue = rig.storage.queue;
}, 60_000);
afterAll(async () => {
  await rig?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the grants a unit needs on its database', () => {
  it('are kept for 5,000 principals and granted by the database sync, none revoked', async () => {
    const { task } = await createTask(
      { store: rig.storage.store, queue: rig.storage.queue, warehouse: snowflakeModule, instance: 't' },
      {
        request: {
          type: 'RESOURCE_SYNC',
          requestInfo: { resources: [{ type: 'database', values: { database: 'WIDE' } }] },
        },
      },
      { source: 'API' },
    );
    await drain(rig.storage, 2, rig.deps);
    const { header } = (await rig.storage.store.get(task.header.taskId))!;
    expect(header).toMatchObject({ status: 'SUCCESS', unitsTotal: 1, unitsDone: 1, unitsFailed: 0 });
    const [unit] = await new UnitStore(rig.storage.store.table).list(task.header.taskId);
    expect(unit!.unit.needRows).toBeGreaterThan(1);
    const usage = rig.emulator.account
      .grants()
      .filter((g) => g.privilege === 'USAGE' && g.on.type === 'DATABASE' && g.on.name === 'WIDE');
    expect(usage).toHaveLength(PRINCIPALS);
    expect(rig.emulator.control.statements().some((s) => /REVOKE/.test(s.sql))).toBe(false);
  }, 180_000);
});

describe('a unit settled by the previous release', () => {
  it('keeps the needs it stored in its `neededAbove` property', async () => {
    const taskId = 'legacy-needs';
    const g = {
      securable: { kind: 'database', path: ['WIDE'] },
      principal: { kind: 'role', name: 'R1' },
      privilege: 'USAGE',
      reason: 'parent of WIDE.S.T',
    };
    await rig.storage.store.table.createEntity({
      partitionKey: taskId,
      rowKey: 'u00000-00000',
      resourceIndex: 0,
      type: 'schema',
      values: JSON.stringify({ database: 'WIDE', schema: 'S' }),
      status: 'SUCCESS',
      attempt: 1,
      message: 'done',
      updatedAt: new Date().toISOString(),
      neededAbove: JSON.stringify([g]),
    });
    const units = new UnitStore(rig.storage.store.table);
    const seen: unknown[] = [];
    await units.needs(
      taskId,
      (await units.list(taskId)).map((u) => u.unit),
      (_, grants) => seen.push(...grants),
    );
    expect(seen).toEqual([g]);
  });
});
