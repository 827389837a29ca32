import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { odata } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHost, startLocalHost } from '../../dev/host/local-host.js';
import { tableClient } from '../../shared/store/clients.js';
import { fromHeaderEntity, HEADER_ROWS } from '../../shared/store/task-store.js';
import { apiClient, TEST_SECRET } from '../support/api-client.js';

const dir = mkdtempSync(join(tmpdir(), 'policysync-watch-'));
const policyFile = join(dir, 'policies.json');
let host: LocalHost;

beforeAll(async () => {
  copyFileSync(fileURLToPath(new URL('../../dev/demo/policies.json', import.meta.url)), policyFile);
  host = await startLocalHost({
    port: 0,
    log: () => undefined,
    env: { POLICY_FILE: policyFile, POLICY_POLL_SECONDS: '1', JWT_SECRET: TEST_SECRET },
  });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Polls `read` until it gives a value, or fails after `ms`. */
async function eventually<T>(read: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the local host runs the policy watcher', () => {
  it('turns an edit of the policy file into a POLICY_CHANGE task that grants what the new policy allows', async () => {
    const storage = { connectionString: host.env.AzureWebJobsStorage! };
    const snapshots = tableClient(storage, 'taskspolicies');
    await eventually(
      () =>
        snapshots.getEntity('head', 'head').then(
          () => true,
          () => undefined,
        ),
      15_000,
      'baseline of the policy set',
    );
    const policies = JSON.parse(readFileSync(policyFile, 'utf8')) as { policies: unknown[] };
    policies.policies.push({
      id: 99,
      name: 'engineers read invoices',
      resources: { database: { values: ['SALES'] }, schema: { values: ['FINANCE'] }, table: { values: ['INVOICES'] } },
      policyItems: [{ accesses: [{ type: 'select' }], roles: ['engineer'] }],
    });
    writeFileSync(policyFile, JSON.stringify(policies)); // the policyVersion is not bumped: the content hash tells

    const tasks = tableClient(storage, 'tasks');
    const filter = `${HEADER_ROWS} and ${odata`source eq 'POLICY_CHANGE'`}`;
    const taskId = await eventually(
      async () => {
        for await (const e of tasks.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
          return fromHeaderEntity(e).taskId;
        return undefined;
      },
      15_000,
      'POLICY_CHANGE task',
    );
    const api = await apiClient(host.apiUrl);
    const done = await api.waitForTerminal(taskId!);
    expect(done).toMatchObject({ source: 'POLICY_CHANGE', status: 'SUCCESS', policies: [{ id: 99 }] });
    expect(done.resources.map((r: { values: Record<string, string> }) => r.values)).toEqual([
      { database: 'SALES', schema: 'FINANCE', table: 'INVOICES' },
    ]);
    expect(done.resources[0].changes.granted.join('\n')).toContain(
      'SELECT ON TABLE SALES.FINANCE.INVOICES TO ROLE ENGINEER',
    );
  }, 60_000);
});
