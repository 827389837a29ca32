import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { PrincipalWatch } from '../../shared/intake/principal-watch.js';
import { type PrincipalRig, runPrincipalTask, startPrincipalRig } from '../support/principal-sync.js';

let rig: PrincipalRig;
beforeAll(async () => {
  rig = await startPrincipalRig({
    roles: [{ name: 'ANALYSTS' }, { name: 'FINANCE' }],
    users: [{ name: 'ALICE' }, { name: 'BOB' }],
  });
});
afterAll(() => rig.stop());

describe("the user store's watcher", () => {
  it('turns a membership change in Ranger into a PRINCIPAL_SYNC of exactly the groups that changed', async () => {
    const file = await rig.ranger({
      groups: [
        { name: 'analysts', members: ['alice'] },
        { name: 'finance', members: ['bob'] },
      ],
    });
    const watch = new PrincipalWatch(
      { store: rig.storage.store, queue: rig.storage.queue, warehouse: snowflakeModule, instance: 't' },
      rig.deps.principals!.source!,
    );
    expect(await watch.poll()).toEqual([]); // the baseline
    expect(await watch.poll()).toEqual([]); // nothing changed
    await writeFile(
      file,
      JSON.stringify({
        groups: [
          { name: 'analysts', members: ['alice', 'bob'] },
          { name: 'finance', members: ['bob'] },
        ],
      }),
    );
    const [taskId, ...more] = await watch.poll();
    expect(more).toEqual([]);
    const { header, rows } = await runPrincipalTask(rig, taskId!);
    expect(header).toMatchObject({ source: 'PRINCIPAL_CHANGE', status: 'SUCCESS' });
    expect(rows.map((r) => `${r.ref.type} ${r.ref.values.name}`)).toEqual(['group analysts']);
    expect(
      rig.emulator.account
        .roleGrants((g) => g.role === 'ANALYSTS')
        .map((g) => g.grantee.name)
        .sort(),
    ).toEqual(['ALICE', 'BOB']);
    expect(await watch.poll()).toEqual([]);
  });
});
