import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { startAzuriteProcesses } from '../../dev/azurite-processes.js';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../../dev/emulators/snowflake/index.js';
import { TASK_STATUSES } from '../../shared/task/status.js';
import { apiClient } from '../support/api-client.js';
import { type ChildHost, startChildHost } from '../support/child-host.js';
import { loadCatalog, loadPolicyFile, loadTable } from '../support/load-catalog.js';
import { type SharedService, sharedService } from '../support/service-env.js';

// Promise 8: N tasks through two local hosts (two worker loops, separate processes) sharing one Azurite and one
// Snowflake emulator: every task terminal, counts reconciled, no duplicate application in the statement log.
// RELIABILITY_LOAD_TASKS sets N: 1,000 by default (CI), 10,000 for the full run recorded in RELIABILITY.md.
const N = Number(process.env.RELIABILITY_LOAD_TASKS ?? 1_000);
const CONCURRENCY = 32;
const DEADLINE_MS = Number(process.env.RELIABILITY_LOAD_DEADLINE_MS ?? Math.max(120_000, N * 60));

let azurite: AzuriteHandle;
let emulator: SnowflakeEmulator;
let svc: SharedService;
const hosts: ChildHost[] = [];
beforeAll(async () => {
  // RELIABILITY_LOAD_AZURITE=process runs Azurite's services as their own processes (the full run's setting).
  const storage = process.env.RELIABILITY_LOAD_AZURITE === 'process' ? startAzuriteProcesses() : startAzurite();
  [azurite, emulator] = await Promise.all([storage, startSnowflakeEmulator({ catalog: loadCatalog(N) })]);
  svc = await sharedService(azurite, emulator, loadPolicyFile(), {
    TASK_LEASE_SECONDS: '60',
    SWEEP_GRACE_SECONDS: process.env.RELIABILITY_LOAD_SWEEP_GRACE_SECONDS ?? '60',
  });
  hosts.push(...(await Promise.all([startChildHost(svc.env, 60_000), startChildHost(svc.env, 60_000)])));
}, 120_000);
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await emulator?.stop();
  await azurite?.stop();
}, 120_000);

async function census() {
  const byStatus: Record<string, number> = {};
  const ids = new Set<string>();
  for await (const t of svc.store.stale([...TASK_STATUSES], new Date(Date.now() + 86_400_000))) {
    byStatus[t.header.status] = (byStatus[t.header.status] ?? 0) + 1;
    ids.add(t.header.taskId);
  }
  return { byStatus, ids };
}

describe(`load: ${N} tasks through two local hosts`, () => {
  it(
    "finishes every task, reconciles the counts, and applies each task's grant exactly once",
    async () => {
      const clients = await Promise.all(hosts.map((h) => apiClient(h.apiUrl)));
      const started = Date.now();
      const created: string[] = [];
      const refusals: string[] = [];
      let next = 0,
        retried = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, lane) => {
          for (let i = next++; i < N; i = next++) {
            const body = {
              type: 'RESOURCE_SYNC',
              requestInfo: {
                resources: [{ type: 'table', values: { database: 'LOAD', schema: 'S', table: loadTable(i) } }],
              },
            };
            // A careful client: an Idempotency-Key per task, and a retry when the connection drops (a keep-alive
            // socket the server closed just as the request went out) - the key maps the retry to the same task.
            let res: Response | undefined;
            for (let attempt = 1; !res; attempt++) {
              try {
                res = await clients[(i + lane + attempt) % 2]!.post('/task', body, { 'Idempotency-Key': `load-${i}` });
              } catch (err) {
                if (attempt >= 5) throw err;
                retried++;
              }
            }
            if (res.status !== 202) {
              refusals.push(`${res.status} ${await res.text()}`);
              continue;
            }
            created.push(((await res.json()) as { taskId: string }).taskId);
          }
        }),
      );
      const postedMs = Date.now() - started;
      expect(refusals).toEqual([]);
      expect(new Set(created).size).toBe(N);

      let c = await census();
      while ((c.byStatus.SUCCESS ?? 0) + (c.byStatus.FAILED ?? 0) + (c.byStatus.SKIPPED ?? 0) < N) {
        if (Date.now() - started > DEADLINE_MS)
          throw new Error(`not all terminal after ${DEADLINE_MS} ms: ${JSON.stringify(c.byStatus)}`);
        await new Promise((r) => setTimeout(r, N > 2_000 ? 5_000 : 1_000));
        c = await census();
      }
      const doneMs = Date.now() - started;

      // Reconcile: tasks created = tasks stored = tasks terminal = SUCCESS; one resource row each, SUCCESS.
      expect(c.ids.size).toBe(N);
      expect([...created].every((id) => c.ids.has(id))).toBe(true);
      expect(c.byStatus).toEqual({ SUCCESS: N });
      let rows = 0;
      for (const id of created.slice(0, Math.min(N, 500))) {
        const r = await svc.store.resources(id);
        expect(r.map((x) => x.status)).toEqual(['SUCCESS']);
        rows += r.length;
      }
      // The warehouse side: one GRANT per table, never two; every table holds exactly the grant its policy wants.
      const grants = emulator.control
        .statements()
        .filter((s) => s.ok && /^\s*GRANT/i.test(s.sql))
        .map((s) => s.sql);
      const perTable = new Map<string, number>();
      for (const sql of grants) {
        const m = /ON TABLE "LOAD"."S"."(T\d+)" TO ROLE "ANALYST"/.exec(sql);
        expect(m, sql).not.toBeNull();
        perTable.set(m![1]!, (perTable.get(m![1]!) ?? 0) + 1);
      }
      expect(perTable.size).toBe(N);
      const duplicates = [...perTable.values()].filter((n) => n > 1).length;
      expect(duplicates).toBe(0);
      const held = emulator.account.grantRecords(
        (g) => g.on.type === 'TABLE' && g.privilege === 'SELECT' && g.grantee === 'ANALYST',
      ).length;
      expect(held).toBe(N);
      console.log(
        `load: ${N} tasks posted in ${postedMs} ms (${retried} POST(s) retried after a dropped connection), all terminal after ${doneMs} ms (${Math.round(N / (doneMs / 1000))} tasks/s); ` +
          `stored ${c.ids.size}, SUCCESS ${c.byStatus.SUCCESS}, rows checked ${rows}, GRANTs ${grants.length} for ${perTable.size} tables, duplicates ${duplicates}, lost 0`,
      );
    },
    DEADLINE_MS + 60_000,
  );
});
