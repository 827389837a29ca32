import { TableClient, type TransactionAction } from '@azure/data-tables';
import pLimit from 'p-limit';
import { startAzuriteProcesses } from '../dev/azurite-processes.js';
import { freshStorage } from '../dev/fresh-storage.js';
import { sweepStaleTasks } from '../shared/intake/sweep.js';
import { silentLog } from '../shared/log.js';
import type { DispatchQueue } from '../shared/store/dispatch-queue.js';
import type { TaskHeader } from '../shared/store/records.js';
import type { PipelinePolicyConfig } from '../shared/store/request-timeout.js';
import { taskRow } from '../shared/store/task-address.js';
import { indexPartition, indexRowKey } from '../shared/store/task-index.js';
import { TaskStore, toHeaderEntity } from '../shared/store/task-store.js';
import { TASK_STATUSES } from '../shared/task/status.js';
import { taskIdAt } from '../shared/task/task-id.js';
import { type BenchResult, type Figure, now, percentile, progress, round } from './harness.js';

export interface SweeperBench extends BenchResult {
  raw: Array<{
    finished: number;
    unfinished: number;
    seedMs: number;
    /** Wall time of each measured sweeper run. */
    runsMs: number[];
    medianMs: number;
    /** Storage requests (tables and queue) of one run: what a storage account charges and serves. */
    requestsPerRun: number;
    /** One scan of every task header, as the sweeper read storage before the index. */
    scanMs: number;
    requeued: number;
  }>;
}

const UNFINISHED = 5;
const RUNS = 15;
const WARM_UP_RUNS = 5;
const SEED_CONCURRENCY = 32;
const HOUR = 3_600_000;

/** A task made at `createdAt` (its id says so too, as the task's partition follows it), the `n`th of its millisecond. */
function finishedHeader(createdAt: number, n: number): TaskHeader {
  const stamp = new Date(createdAt).toISOString();
  return {
    taskId: taskIdAt(createdAt, n),
    type: 'RESOURCE_SYNC',
    status: 'SUCCESS',
    message: '',
    source: 'API',
    instance: 'bench',
    dryRun: false,
    attempt: 1,
    createdAt: stamp,
    updatedAt: stamp,
    startedAt: stamp,
    finishedAt: stamp,
    resourceCount: 1,
    succeeded: 1,
    failed: 0,
    skipped: 0,
  };
}

/**
 * Writes `count` finished tasks as the service leaves them (header, one resource row, a SUCCESS index row), spread
 * over the last 30 days: one transaction per task partition, the index rows 100 per transaction per hour.
 */
async function seedFinished(table: ReturnType<Awaited<ReturnType<typeof freshStorage>>['tasksTable']>, count: number) {
  const start = Date.now() - 30 * 24 * HOUR;
  const step = (30 * 24 * HOUR) / count;
  const headers = Array.from({ length: count }, (_, i) => finishedHeader(Math.floor(start + i * step), i));
  const limit = pLimit(SEED_CONCURRENCY);
  await Promise.all(
    headers.map((h) =>
      limit(() => {
        return table.submitTransaction([
          ['create', { ...taskRow(h.taskId, 'r00000'), index: 0, status: 'SUCCESS', message: '' }],
          ['create', toHeaderEntity(h)],
        ]);
      }),
    ),
  );
  const byPartition = new Map<string, TransactionAction[]>();
  for (const h of headers) {
    const partitionKey = indexPartition('SUCCESS', h);
    const row = { partitionKey, rowKey: indexRowKey(h.taskId), taskId: h.taskId, source: h.source };
    byPartition.set(partitionKey, [...(byPartition.get(partitionKey) ?? []), ['create', row]]);
  }
  const batches = [...byPartition.values()].flatMap((actions) =>
    Array.from({ length: Math.ceil(actions.length / 100) }, (_, i) => actions.slice(i * 100, i * 100 + 100)),
  );
  await Promise.all(batches.map((b) => limit(() => table.submitTransaction(b))));
}

/**
 * The sweeper's time per run with few and with many finished tasks in storage, side by side: it reads the index's
 * OPEN rows, so its cost should follow the unfinished tasks (a handful here, the same at each size), not the storage.
 */
export async function sweeperBench(sizes: number[]): Promise<SweeperBench> {
  const started = now();
  const azurite = await startAzuriteProcesses(); // its heap apart from the bench's: no shared garbage collection
  const raw: SweeperBench['raw'] = [];
  try {
    for (const finished of sizes) {
      const s = await freshStorage('sweep', azurite);
      const t0 = now();
      await seedFinished(s.tasksTable(), finished);
      // A handful of unfinished tasks, through the store: stuck WAITING (message lost), running, and fresh.
      const old = new Date(Date.now() - 10 * 60_000).toISOString();
      for (let i = 0; i < UNFINISHED; i++) {
        const h = finishedHeader(Date.parse(old), 4_000 + i); // apart from any seeded task of that millisecond
        await s.store.create(
          {
            ...h,
            status: i < 2 ? 'WAITING' : 'INPROGRESS',
            attempt: i < 2 ? 0 : 1,
            leaseUntil: new Date(Date.now() + HOUR).toISOString(),
          },
          [],
        );
      }
      const seedMs = now() - t0;
      progress(`sweeper: seeded ${finished} finished + ${UNFINISHED} unfinished tasks in ${round(seedMs / 1000)} s`);
      const counted = countingStorage(azurite.connectionString, s.tasksTable().tableName, s.queue);
      const deps = { store: counted.store, queue: counted.queue, log: silentLog };
      const first = await sweepStaleTasks(deps); // sends the two lost messages; later runs find them in line
      for (let i = 0; i < WARM_UP_RUNS; i++) await sweepStaleTasks(deps);
      const runsMs: number[] = [];
      const requestsBefore = counted.requests();
      for (let i = 0; i < RUNS; i++) {
        const r0 = now();
        await sweepStaleTasks(deps);
        runsMs.push(now() - r0);
      }
      const requestsPerRun = (counted.requests() - requestsBefore) / RUNS;
      const s0 = now();
      let headers = 0;
      for await (const _ of s.store.stale([...TASK_STATUSES], new Date(Date.now() + HOUR))) headers++;
      const scanMs = now() - s0;
      if (headers !== finished + UNFINISHED)
        throw new Error(`expected ${finished + UNFINISHED} headers, read ${headers}`);
      const medianMs = percentile(runsMs, 50);
      raw.push({
        finished,
        unfinished: UNFINISHED,
        seedMs,
        runsMs,
        medianMs,
        requestsPerRun,
        scanMs,
        requeued: first.requeued,
      });
      progress(
        `sweeper: ${finished} finished: run median ${round(medianMs)} ms, ${requestsPerRun} storage requests; a scan of every header ${round(scanMs)} ms`,
      );
      await s.tasksTable().deleteTable();
    }
  } finally {
    await azurite.stop();
  }
  const [small, large] = [raw[0]!, raw.at(-1)!];
  const figures: Figure[] = [
    ...raw.map((r) => ({
      label: `sweeper run, ${r.finished.toLocaleString('en-US')} finished + ${r.unfinished} unfinished tasks (median of ${RUNS})`,
      value: round(r.medianMs),
      unit: 'ms',
    })),
    ...raw.map((r) => ({
      label: `storage requests per sweeper run, ${r.finished.toLocaleString('en-US')} finished`,
      value: r.requestsPerRun,
      unit: 'requests',
    })),
    {
      label: `sweeper run time, ${large.finished.toLocaleString('en-US')} / ${small.finished.toLocaleString('en-US')} finished tasks`,
      value: round(large.medianMs / small.medianMs, 2),
      unit: 'x',
      target: '<= 1.5',
    },
    ...raw.map((r) => ({
      label: `for scale: one scan of every task header (what each run read before the index), ${r.finished.toLocaleString('en-US')} finished`,
      value: round(r.scanMs),
      unit: 'ms',
    })),
  ];
  return {
    name: 'sweeper',
    title: 'Sweeper time per run against the tasks storage holds',
    settings: `${sizes.map((n) => n.toLocaleString('en-US')).join(' and ')} finished tasks (header, one resource row, an index row; spread over 30 days) + ${UNFINISHED} unfinished (2 WAITING, 3 INPROGRESS with a live lease); Azurite in processes of its own; ${RUNS} runs measured after ${WARM_UP_RUNS + 1} unmeasured`,
    figures,
    notes: [
      'The sweeper lists the OPEN index rows (unfinished tasks only), peeks the queue once, and reads the header of each unfinished task old enough to judge; finished tasks are never read. The goal is the same time at both sizes within noise (a ratio near 1).',
      `Seeding: one entity-group transaction per task partition, index rows 100 per transaction; ${raw.map((r) => `${r.finished.toLocaleString('en-US')} tasks in ${round(r.seedMs / 1000)} s`).join(', ')}. Runs (ms): ${raw.map((r) => `${r.finished}: ${r.runsMs.map((x) => round(x)).join(', ')}`).join('; ')}.`,
    ],
    ms: now() - started,
    raw,
  };
}

/** The store and queue of `queue`'s storage as the sweeper uses them, counting every storage request they make. */
function countingStorage(connectionString: string, tasksTable: string, queue: DispatchQueue) {
  let requests = 0;
  const counter: PipelinePolicyConfig = {
    position: 'perCall',
    policy: {
      name: 'bench-request-counter',
      sendRequest: (request, next) => {
        requests++;
        return next(request);
      },
    },
  };
  const table = (name: string) =>
    TableClient.fromConnectionString(connectionString, name, {
      allowInsecureConnection: true,
      additionalPolicies: [counter],
    });
  const store = new TaskStore(table(tasksTable), { openTable: table(`${tasksTable}open`) });
  const counted = new Proxy(queue, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        requests++; // each DispatchQueue call is one queue request
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, queue: counted, requests: () => requests };
}
