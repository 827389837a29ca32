import { randomBytes } from 'node:crypto';
import { RangerAdminStandIn } from '../dev/emulators/ranger/stand-in.js';
import { startSnowflakeEmulator } from '../dev/emulators/snowflake/index.js';
import { createTask } from '../shared/intake/create-task.js';
import { watchPolicies } from '../shared/intake/policy-watch.js';
import { rangerAdminSource } from '../shared/policy/index.js';
import { tableClient } from '../shared/store/clients.js';
import { PolicySnapshotStore } from '../shared/store/policy-snapshot-store.js';
import { runTask } from '../shared/sync/worker.js';
import { BENCH_DATABASE, schemaName, writeBenchFiles } from './catalog.js';
import { type BenchResult, type Figure, now, progress, round, sleep } from './harness.js';
import { startBenchStorage, startServiceRig } from './rig.js';

const LATENCY_MS = 20;
/** The watcher's poll interval in the bench: short, so that a run takes seconds; the default is 30 s. */
const POLL_MS = 1000;
const TABLES_PER_SCHEMA = 100;
const AFFECTED = 10;

export interface PolicyChange extends BenchResult {
  raw: Array<{
    tables: number;
    ms: number;
    /** From the edit to the watcher's task for it: the poll's share. */
    detectMs: number;
    roundTrips: number;
    listings: number;
    tasks: number;
    statuses: string[];
  }>;
}

/** The one policy: SELECT on the ten tables `T000*` of the first schema, for `role`. */
const policy = (version: number, role: string) => ({
  id: 1,
  version,
  name: 'ten tables',
  resources: {
    database: { values: [BENCH_DATABASE] },
    schema: { values: [schemaName(0)] },
    table: { values: ['T000*'] },
  },
  policyItems: [{ accesses: [{ type: 'select' }], roles: [role] }],
});

/**
 * One policy edit on a catalog of `tables` tables whose one policy covers ten of them: from the edit in Ranger Admin
 * (the stand-in's version goes up) to the last of the ten tables holding the new grant, with the watcher polling
 * every POLL_MS and a worker running each task it creates, at LATENCY_MS per warehouse round trip. Counts the
 * round trips from the edit on (the listing included).
 */
async function oneEdit(tables: number) {
  const schemas = Math.max(1, Math.round(tables / TABLES_PER_SCHEMA));
  const files = writeBenchFiles({ schemas, tables: TABLES_PER_SCHEMA, columns: 2, policies: 0 });
  const [emulator, storage] = await Promise.all([
    startSnowflakeEmulator({ catalog: files.catalogFile }),
    startBenchStorage(),
  ]);
  const admin = new RangerAdminStandIn('bench', { version: 1, policies: [policy(1, 'bench_r01')] });
  const url = await admin.start();
  const rig = await startServiceRig(emulator.url, files.policyFile, { storage });
  const policies = rangerAdminSource({ url, serviceName: 'bench', username: 'admin', password: 's3cret' });
  const deps = { ...rig.deps, policies };
  const snapshots = new PolicySnapshotStore(
    tableClient({ connectionString: storage.azurite.connectionString }, `bench${randomBytes(4).toString('hex')}`),
  );
  await snapshots.init();
  const watch = {
    intake: rig.intake,
    snapshots,
    policies,
    connector: rig.connector,
    profile: rig.deps.profile,
  };
  let stop = false;
  const statuses: string[] = [];
  let tasks = 0;
  let taskCreatedAt = 0;
  const loop = (async () => {
    while (!stop) {
      const outcome = await watchPolicies(watch, new Date());
      for (const id of outcome.kind === 'watched' ? outcome.taskIds : []) {
        taskCreatedAt ||= now();
        await runTask(id, deps);
        tasks++;
        statuses.push((await storage.store.get(id))!.header.status);
      }
      await sleep(POLL_MS);
    }
  })();
  const granted = () =>
    emulator.account.grants().filter((g) => g.to === 'BENCH_R02' && g.privilege === 'SELECT' && g.on.type === 'TABLE')
      .length;
  try {
    await sleep(POLL_MS * 1.5); // the baseline tick, and warm connections
    // The ten tables in sync with the policy as it was, so the edit has a grant to give and one to take.
    const { task } = await createTask(
      rig.intake,
      { request: { type: 'POLICY_SYNC', requestInfo: { policies: [{ id: 1 }] } } },
      { source: 'API' },
    );
    await runTask(task.header.taskId, deps);
    emulator.control.setLatency(LATENCY_MS);
    emulator.control.reset();
    // The edit lands at a random point of the poll interval, as a real one does.
    await sleep(Math.random() * POLL_MS);
    const editedAt = now();
    taskCreatedAt = 0;
    admin.publish([policy(2, 'bench_r02')]);
    while (granted() < AFFECTED) {
      if (now() - editedAt > 60_000)
        throw new Error(`the edit did not reach the warehouse within 60 s (${granted()} of ${AFFECTED})`);
      await sleep(5);
    }
    const ms = now() - editedAt;
    const listings = emulator.control
      .statements()
      .filter((s) => /INFORMATION_SCHEMA\.TABLES\b/.test(s.sql) && !/UNION/.test(s.sql)).length;
    return {
      tables: schemas * TABLES_PER_SCHEMA,
      ms,
      detectMs: taskCreatedAt - editedAt,
      roundTrips: emulator.control.roundTrips(),
      listings,
      tasks,
      statuses,
    };
  } finally {
    stop = true;
    await loop.catch(() => undefined);
    await rig.close();
    await admin.stop();
    await emulator.stop();
    await storage.azurite.stop();
    files.remove();
  }
}

/** The policy-change row: time from an edit to its ten tables applied, and the round trips it cost, by catalog size. */
export async function policyChange(sizes: number[]): Promise<PolicyChange> {
  const started = now();
  const raw: PolicyChange['raw'] = [];
  for (const tables of sizes) {
    progress(`policy change: one edit on a ${tables.toLocaleString('en-US')}-table catalog`);
    const r = await oneEdit(tables);
    raw.push(r);
    progress(
      `policy change: ${tables.toLocaleString('en-US')} tables: ${round(r.ms)} ms to all ${AFFECTED} applied (${round(r.detectMs)} ms of it until the watcher's task), ${r.roundTrips} round trips (${r.listings} listing)`,
    );
  }
  const figures: Figure[] = raw.flatMap((r) => [
    {
      label: `${r.tables.toLocaleString('en-US')} tables: edit to all ${AFFECTED} tables applied`,
      value: round(r.ms),
      unit: 'ms',
      target: `<= ${POLL_MS + 2000}`,
    },
    {
      label: `${r.tables.toLocaleString('en-US')} tables: of which until the watcher's task (the poll)`,
      value: round(r.detectMs),
      unit: 'ms',
    },
    {
      label: `${r.tables.toLocaleString('en-US')} tables: warehouse round trips`,
      value: r.roundTrips,
      unit: 'round trips',
      target: `<= ${3 * AFFECTED + r.listings}`,
    },
  ]);
  return {
    name: 'policy-change',
    title: 'One policy edit reaching the warehouse',
    settings: `one policy covering ${AFFECTED} tables (\`T000*\` in one schema of ${TABLES_PER_SCHEMA}); the edit moves its SELECT to another role; watcher polling every ${POLL_MS} ms (the default is 30 s); ${LATENCY_MS} ms per warehouse round trip; Ranger Admin stand-in; Azurite in process`,
    figures,
    notes: [
      `Targets: the poll interval plus 2 s, and 3 round trips per affected table plus the listing (${AFFECTED} tables: ${3 * AFFECTED} + 1), the same at every catalog size.`,
      "The worker runs each task as soon as the watcher creates it; a deployment adds the queue trigger's polling (host.json maxPollingInterval: 1 s).",
      `Tasks: ${raw.map((r) => `${r.tables}: ${r.tasks} (${r.statuses.join(', ')})`).join('; ')}.`,
    ],
    ms: now() - started,
    raw,
  };
}
