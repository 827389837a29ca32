import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filePolicySource, PolicyError } from '../../../shared/policy/index.js';

const download = (version: number, names: string[]) =>
  JSON.stringify({
    serviceName: 'sf',
    policyVersion: version,
    policies: names.map((name, i) => ({ id: i + 1, name, resources: { database: { values: ['SALES'] } } })),
  });

describe('filePolicySource', () => {
  let dir: string;
  let path: string;
  let tick = 0;
  const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++));
  // Advance mtime explicitly: two writes within one filesystem timestamp tick must still count as a change.
  const write = async (text: string, second: number) => {
    await writeFile(path, text);
    await utimes(path, second, second);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policysync-policy-'));
    path = join(dir, 'policies.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the file with its version and the time it was loaded', async () => {
    await write(download(3, ['a']), 1_000);
    const snap = await filePolicySource(path, { now }).current();
    expect(snap).toMatchObject({ version: 3, serviceName: 'sf', loadedAt: '2026-01-01T00:00:00.000Z' });
  });

  it('re-reads the file when it changes and not before', async () => {
    const source = filePolicySource(path, { now });
    await write(download(3, ['a']), 1_000);
    const first = await source.current();
    expect(await source.current()).toBe(first);
    await write(download(4, ['a', 'b']), 2_000);
    expect((await source.current()).policies.map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('keeps the last good policy set when the file stops parsing or disappears', async () => {
    const source = filePolicySource(path, { now });
    await write(download(3, ['a']), 1_000);
    await source.current();
    await write('{"policies": [ broken', 2_000);
    expect((await source.current()).version).toBe(3);
    await rm(path);
    expect((await source.current()).version).toBe(3);
  });

  it('fails with a typed error when there is no good policy set yet', async () => {
    await expect(filePolicySource(path).current()).rejects.toMatchObject({ code: 'POLICY_UNAVAILABLE' });
    await write('not json', 1_000);
    await expect(filePolicySource(path).current()).rejects.toBeInstanceOf(PolicyError);
    await write(JSON.stringify({ policies: [{ id: 'x' }] }), 2_000);
    await expect(filePolicySource(path).current()).rejects.toMatchObject({ code: 'INVALID_POLICIES' });
  });
});
