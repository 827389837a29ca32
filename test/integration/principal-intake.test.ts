import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHost, startLocalHost } from '../../dev/host/local-host.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { ingestEventBatch } from '../../shared/intake/event-batch.js';
import { startPrincipalSync } from '../../shared/intake/principal-schedule.js';
import { type ApiClient, apiClient, TEST_SECRET } from '../support/api-client.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

// PRINCIPAL_SYNC through the doors a RESOURCE_SYNC comes through: the API (npm start's local host and demo),
// the Event Hub intake, and the timer.
let host: LocalHost;
let api: ApiClient;
beforeAll(async () => {
  host = await startLocalHost({
    port: 0,
    log: () => undefined,
    env: { CONNECTOR_KIND: 'snowflake', JWT_SECRET: TEST_SECRET },
  });
  api = await apiClient(host.apiUrl);
}, 60_000);
afterAll(() => host.stop());

describe('PRINCIPAL_SYNC over the API, with the demo principals', () => {
  it('creates a PRINCIPAL_SYNC task that grants the demo group its member, one row per principal', async () => {
    const res = await api.post('/task', {
      type: 'PRINCIPAL_SYNC',
      requestInfo: {
        principals: [
          { type: 'group', name: 'FINANCE_READER' },
          { type: 'role', name: 'ENGINEER' },
        ],
      },
    });
    expect(res.status).toBe(202);
    const created = (await res.json()) as { taskId: string; type: string };
    expect(created.type).toBe('PRINCIPAL_SYNC');
    const done = await api.waitForTerminal(created.taskId);
    expect(done.status).toBe('SUCCESS');
    expect(done.resources.map((r: { type: string; values: unknown }) => [r.type, r.values])).toEqual([
      ['group', { name: 'FINANCE_READER' }],
      ['role', { name: 'ENGINEER' }],
    ]);
    expect(done.resources[0].changes.granted).toEqual(['ROLE FINANCE_READER TO USER CAROL']);
    expect(done.resources[1].changes.statements.map((s: { sql: string }) => s.sql)).toEqual([
      'GRANT ROLE "ENGINEER" TO USER "BOB"',
    ]);
  });

  it('answers 400 with the JSON path of a principal of no known type', async () => {
    const res = await api.post('/task', {
      type: 'PRINCIPAL_SYNC',
      requestInfo: { principals: [{ type: 'team', name: 'x' }] },
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { issues: { path: string }[] };
    expect(problem.issues.map((i) => i.path)).toEqual(['$.requestInfo.principals[0].type']);
  });
});

describe('PRINCIPAL_SYNC from the Event Hub and the timer', () => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await startTestStorage();
  });
  afterAll(() => storage.azurite.stop());
  const deps = () => ({ store: storage.store, queue: storage.queue, warehouse: snowflakeModule, instance: 't' });

  it('stores an Event Hub PRINCIPAL_SYNC event as a PRINCIPAL_SYNC task, and a principal name with a control character as skipped', async () => {
    const summary = await ingestEventBatch(
      [
        {
          eventId: 'e1',
          body: {
            type: 'PRINCIPAL_SYNC',
            requestInfo: {
              principals: [
                { type: 'user', name: 'alice' },
                { type: 'group', name: 'bad\u0000name' },
              ],
            },
          },
        },
      ],
      { ...deps(), log: () => undefined },
    );
    expect(summary.created).toBe(1);
    const tasks = [];
    for await (const t of storage.store.stale(['WAITING'], new Date(Date.now() + 60_000))) tasks.push(t);
    const [task] = tasks;
    expect(task!.header.type).toBe('PRINCIPAL_SYNC');
    const rows = await storage.store.resources(task!.header.taskId);
    expect(rows.map((r) => r.status)).toEqual(['PENDING', 'SKIPPED']);
    expect(rows[1]!.message).toMatch(/principal name contains the control character U\+0000/);
  });

  it('starts one scheduled sync of every group and role per occurrence, however often the timer fires', async () => {
    const at = new Date('2026-01-01T02:00:00Z');
    const first = await startPrincipalSync(deps(), at);
    expect(await startPrincipalSync(deps(), at)).toBe(first);
    const task = await storage.store.get(first);
    expect(task!.header).toMatchObject({ type: 'PRINCIPAL_SYNC', source: 'SCHEDULE' });
    expect((await storage.store.resources(first)).map((r) => `${r.ref.type} ${r.ref.values.name}`)).toEqual([
      'group *',
      'role *',
    ]);
  });
});
