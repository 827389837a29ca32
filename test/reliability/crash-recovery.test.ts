import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../../dev/emulators/snowflake/index.js';
import { apiClient, tableRequest } from '../support/api-client.js';
import { type HostProcess, startHostProcess } from '../support/host-process.js';
import { type SharedService, sharedService, TERMINAL, waitForTask } from '../support/service-env.js';
import { fixture } from '../support/snowflake-sync.js';

// Promise 1: a worker killed with SIGKILL mid-sync leaves a task that another worker finishes.
let azurite: AzuriteHandle;
let emulator: SnowflakeEmulator;
let svc: SharedService;
const hosts: HostProcess[] = [];

beforeAll(async () => {
  [azurite, emulator] = await Promise.all([
    startAzurite(),
    startSnowflakeEmulator({ catalog: fixture('sync-catalog.json') }),
  ]);
  svc = await sharedService(azurite, emulator, fixture('sync-policies.json'), {
    TASK_LEASE_SECONDS: '10',
    SWEEP_SCHEDULE: '*/2 * * * * *',
    SWEEP_GRACE_SECONDS: '5',
  });
}, 60_000);
afterAll(async () => {
  for (const h of hosts) await h.kill();
  await emulator?.stop();
  await azurite?.stop();
});

const writes = () =>
  emulator.control
    .statements()
    .filter((s) => /^\s*(GRANT|REVOKE)/i.test(s.sql))
    .map((s) => s.sql);

describe('a worker killed with SIGKILL mid-sync', () => {
  it('leaves its task INPROGRESS under a lease, and a second host takes it over and finishes it, applying each grant once', async () => {
    const first = await startHostProcess(svc.env);
    hosts.push(first);
    // Every warehouse round trip takes 5 s: the kill lands while the first worker is loading the table, with seconds
    // to spare on a slow machine.
    emulator.control.setLatency(5000);
    emulator.control.reset();
    const api = await apiClient(first.apiUrl);
    const res = await api.post('/task', tableRequest('ORDERS'));
    expect(res.status).toBe(202);
    const { taskId } = (await res.json()) as { taskId: string };

    await waitForTask(svc.store, taskId, (s) => s === 'INPROGRESS', 20_000);
    const deadline = Date.now() + 20_000;
    while (emulator.control.roundTrips() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');

    const orphan = (await svc.store.get(taskId))!.header;
    expect(orphan.status).toBe('INPROGRESS');
    expect(orphan.attempt).toBe(1);
    expect(new Date(orphan.leaseUntil!).getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(writes()).toEqual([]); // killed before it applied anything

    emulator.control.setLatency(0);
    const second = await startHostProcess(svc.env);
    hosts.push(second);
    const done = await waitForTask(svc.store, taskId, TERMINAL, 45_000);
    expect(done.header.status).toBe('SUCCESS');
    expect(done.header.attempt).toBeGreaterThanOrEqual(2);
    const rows = await svc.store.resources(taskId);
    expect(rows.map((r) => r.status)).toEqual(['SUCCESS']);

    // Each grant and revoke reached the warehouse exactly once, though two workers held the task.
    const applied = writes();
    expect(applied.length).toBeGreaterThan(0);
    expect(new Set(applied).size).toBe(applied.length);
    expect(applied).toContain('GRANT SELECT ON TABLE "SALES"."PUBLIC"."ORDERS" TO ROLE "ANALYST"');
    const how = second
      .logs()
      .filter((l) => l.taskId === taskId || l.message === 'stale tasks swept')
      .map((l) => `${l.message}${l.outcome ? ` (${l.outcome})` : ''}`);
    console.log(`takeover of task ${taskId} by the second host: ${how.join('; ')}`);
    await second.stop();
  }, 90_000);
});
