import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { parsePolicies } from '../../shared/policy/index.js';
import { tableClient } from '../../shared/store/clients.js';
import { PolicySnapshotStore } from '../../shared/store/policy-snapshot-store.js';

let azurite: AzuriteHandle;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

async function store(): Promise<PolicySnapshotStore> {
  const s = new PolicySnapshotStore(
    tableClient({ connectionString: azurite.connectionString }, `snap${randomBytes(4).toString('hex')}`),
  );
  await s.init();
  return s;
}

// 400 policies with 500-character names: about 200,000 characters, far past one property's 32K.
const large = parsePolicies({
  policyVersion: 42,
  serviceName: 'svc',
  policies: Array.from({ length: 400 }, (_, i) => ({
    id: i,
    name: `${i}-${'n'.repeat(500)}`,
    resources: { database: { values: [`DB${i}`] } },
    policyItems: [{ accesses: [{ type: 'usage' }], roles: ['r'] }],
  })),
});

describe('PolicySnapshotStore on Azurite', () => {
  it('keeps a policy set larger than a property, in chunks, and reads it back whole', async () => {
    const s = await store();
    const chunks = await s.write('v42', large);
    expect(chunks).toBeGreaterThan(6);
    expect(await s.read({ revision: 'v42', chunks })).toEqual({
      version: 42,
      serviceName: 'svc',
      policies: large.policies,
    });
  });

  it('never reads half a set: a head naming more chunks than are stored reads as nothing', async () => {
    const s = await store();
    const chunks = await s.write('v42', large);
    expect(await s.read({ revision: 'v42', chunks: chunks + 1 })).toBeUndefined();
  });

  it('moves the head by ETag: of two watchers advancing from the same head, exactly one does', async () => {
    const s = await store();
    expect(await s.advance(undefined, { revision: 'v1', chunks: 1, checkedUntil: '2026-01-01T00:00:00.000Z' })).toBe(
      true,
    );
    expect(await s.advance(undefined, { revision: 'v1', chunks: 1, checkedUntil: '2026-01-01T00:00:00.000Z' })).toBe(
      false,
    );
    const head = (await s.head())!;
    const next = { revision: 'v2', chunks: 1, checkedUntil: '2026-01-01T00:00:30.000Z' };
    const results = await Promise.all([s.advance(head, next), s.advance(head, { ...next, revision: 'v3' })]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('drops a revision nobody names any more', async () => {
    const s = await store();
    const chunks = await s.write('v42', large);
    await s.drop('v42');
    expect(await s.read({ revision: 'v42', chunks })).toBeUndefined();
  });
});
