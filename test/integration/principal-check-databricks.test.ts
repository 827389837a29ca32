import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filePrincipalSource } from '../../shared/principals/principals-file-source.js';
import { type DatabricksRig, startDatabricksRig } from '../support/databricks-sync.js';
import { principalTask, runPrincipalTask } from '../support/principal-sync.js';

// Unity Catalog's principals live at the account level: a PRINCIPAL_SYNC can only say who SQL can see.
let rig: DatabricksRig;
beforeAll(async () => {
  rig = await startDatabricksRig();
  const dir = await mkdtemp(join(tmpdir(), 'principals-'));
  const file = join(dir, 'principals.json');
  await writeFile(
    file,
    JSON.stringify({
      users: ['alice@example.com', 'ghost@example.com'],
      groups: [
        { name: 'analysts', members: ['alice@example.com'] },
        { name: 'no such team', members: ['ghost@example.com'] },
        { name: 'admins', members: [] },
      ],
      roles: [{ name: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b' }],
    }),
  );
  rig.deps.principals = {
    source: filePrincipalSource(file),
    scope: { include: ['*'], exclude: ['admins', 'account users'] },
    naming: { userRoleTemplate: '{name}', case: 'preserve' },
  };
});
afterAll(() => rig.stop());

const sync = async (principals: Parameters<typeof principalTask>[1]) =>
  runPrincipalTask(rig, await principalTask(rig, principals));
const writes = () =>
  rig.emulator.control.statements().filter((s) => /^\s*(GRANT|REVOKE|CREATE|ALTER|DROP)/i.test(s.sql));

describe('PRINCIPAL_SYNC on Unity Catalog through the real driver and the emulator', () => {
  it('reports a group SQL cannot see on the task, and changes nothing', async () => {
    const { header, rows } = await sync([{ type: 'group', name: '*' }]);
    expect(header.status).toBe('FAILED');
    expect(rows[0]!.message).toMatch(
      /1 principal\(s\) do not exist .*group no such team; add it to the Databricks account/,
    );
    expect(rows[0]!.message).not.toMatch(/analysts|admins/);
    expect(writes()).toEqual([]);
  });

  it('finds a user and a group that exist, and says memberships stay at the account level', async () => {
    const { rows } = await sync([
      { type: 'user', name: 'alice@example.com' },
      { type: 'group', name: 'analysts' },
    ]);
    expect(rows.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(rows[0]!.result!.warnings.join('\n')).toMatch(/account level \(SCIM\)/);
  });

  it('reports a missing user, and a service principal it cannot verify over SQL without failing it', async () => {
    const { rows } = await sync([
      { type: 'user', name: 'ghost@example.com' },
      { type: 'role', name: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b' },
    ]);
    expect(rows[0]!.status).toBe('FAILED');
    expect(rows[0]!.message).toMatch(/user ghost@example.com/);
    expect(rows[1]!.status).toBe('SUCCESS');
    expect(rows[1]!.result!.warnings.join('\n')).toMatch(/cannot be verified over SQL/);
  });
});
