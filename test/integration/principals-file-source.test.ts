import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filePrincipalSource } from '../../shared/principals/principals-file-source.js';

describe('PRINCIPALS_FILE', () => {
  it('reads users, groups and roles, and keeps the last good principals while the file does not parse', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'principals-')), 'p.json');
    await writeFile(file, JSON.stringify({ groups: [{ name: 'analysts', members: ['ann'] }] }));
    const source = filePrincipalSource(file);
    const good = await source.current();
    expect(good.store).toEqual({ users: [], groups: [{ name: 'analysts', members: ['ann'] }], roles: [] });
    await writeFile(file, '{"groups": [ half an edit');
    expect(await source.current()).toBe(good);
  });

  it('fails the first read with the path and every problem, never half a store', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'principals-')), 'p.json');
    await writeFile(file, JSON.stringify({ groups: [{ name: '', members: 'ann' }] }));
    await expect(filePrincipalSource(file).current()).rejects.toThrow(
      /p\.json cannot be used: groups\.0\.name: .*; groups\.0\.members/,
    );
  });
});
