import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Api, api } from './api.js';
import { type Burst, burst } from './burst.js';
import { type FanOut, type FanOutSettings, fanOut } from './fan-out.js';
import { type BenchResult, now, progress, setQuiet } from './harness.js';
import { startBenchHost } from './host-child.js';
import { type Ingest, ingest } from './ingest.js';
import { type IntakeBench, intake } from './intake.js';
import { type Latency, latency } from './latency.js';
import { type Matching, matching } from './matching.js';
import { type PolicyChange, policyChange } from './policy-change.js';
import { type PrincipalSyncBench, principalSync } from './principal-sync.js';
import { type RunInfo, resultsMarkdown, resultsSvg } from './report.js';
import { type RoundTrips, roundTrips } from './round-trips.js';
import { type Scale, scale } from './scale.js';
import { type SweeperBench, sweeperBench } from './sweeper.js';
import { type TargetedVsFull, targetedVsFull } from './targeted-vs-full.js';

export interface BenchOptions {
  quick?: boolean;
  /** Write bench/RESULTS.md and bench/results.svg (quick: RESULTS-quick.md, results-quick.svg; default true). */
  write?: boolean;
  /** Progress lines on stderr (default true). */
  progress?: boolean;
}

export interface BenchRun {
  run: RunInfo;
  targetedVsFull: TargetedVsFull;
  roundTrips: RoundTrips;
  api: Api;
  ingest: Ingest;
  burst: Burst;
  scale: Scale;
  latency: Latency;
  matching: Matching;
  policyChange: PolicyChange;
  principalSync: PrincipalSyncBench;
  sweeper: SweeperBench;
  fanOut: FanOut;
  intake: IntakeBench;
  results: BenchResult[];
}

/** Settings per mode: the full run is what the issues' targets are about; quick keeps every path under a minute. */
const SETTINGS = {
  full: {
    catalog: { schemas: 100, tables: 100, columns: 20, policies: 200 },
    apiSeconds: 10,
    ingest: { batches: 3, batchSize: 1000, diagnosticSeconds: 3 },
    burst: 1000,
    scale: [10_000, 100_000],
    latency: 200,
    matching: { regexpStars: 3, runs: 2000, searched: 500 },
    policyChange: [1_000, 10_000, 100_000],
    principals: { users: 10_000, groups: 1_000, changed: 10 },
    sweeper: [10_000, 100_000],
    fanOut: { tables: 100_000, schemas: 1000, workers: [1, 2, 4], latencyMs: 100, compiled: true },
    intake: { seconds: 10, batches: 8, batchSize: 1000 },
  },
  quick: {
    catalog: { schemas: 10, tables: 20, columns: 20, policies: 200 },
    apiSeconds: 2,
    ingest: { batches: 1, batchSize: 100, diagnosticSeconds: 0.5 },
    burst: 100,
    scale: [2_000],
    latency: 10,
    matching: { regexpStars: 2, runs: 200, searched: 100 },
    policyChange: [1_000],
    principals: { users: 1_000, groups: 100, changed: 5 },
    sweeper: [500, 2_000],
    fanOut: { tables: 200, schemas: 4, workers: [1, 2], latencyMs: 10, compiled: false },
    intake: { seconds: 2, batches: 1, batchSize: 100 },
  },
};

/** One row alone (`npm run bench -- --only <name>`), with the mode's settings: printed, nothing written. */
export const ALONE: Record<
  string,
  (quick: boolean, fanOutOverrides?: Partial<FanOutSettings>) => Promise<BenchResult>
> = {
  'fan-out': (quick, overrides) => fanOut({ ...SETTINGS[quick ? 'quick' : 'full'].fanOut, ...overrides }),
  'policy-change': (quick) => policyChange(SETTINGS[quick ? 'quick' : 'full'].policyChange),
  principals: (quick) => principalSync(SETTINGS[quick ? 'quick' : 'full'].principals),
  sweeper: (quick) => sweeperBench(SETTINGS[quick ? 'quick' : 'full'].sweeper),
  intake: (quick) => intake(SETTINGS[quick ? 'quick' : 'full'].intake),
  latency: async (quick) => {
    const host = await startBenchHost();
    try {
      return await latency(host, SETTINGS[quick ? 'quick' : 'full'].latency);
    } finally {
      await host.stop();
    }
  },
};
/**
 * The intake row in a process of its own, as the API and the Event Hub function run apart from a benchmark's other
 * work: about half of an event's cost is the client's CPU, and run last in this process the row's ingest share came
 * out 65 to 70 %, against 72 to 78 % in a fresh process on the same machine.
 */
function intakeInItsOwnProcess(quick: boolean, showProgress: boolean): IntakeBench {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const args = ['--import', 'tsx', main, '--only', 'intake', '--json', ...(quick ? ['--quick'] : [])];
  const child = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'pipe', showProgress ? 'inherit' : 'pipe'],
    encoding: 'utf8',
  });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{'))
    throw new Error(`the intake row's process ended ${child.status}: ${(child.stderr ?? '').slice(-2000)}`);
  return JSON.parse(line) as IntakeBench;
}

/** Runs every benchmark one after another in this process run and returns the figures. */
export async function runBench(opts: BenchOptions = {}): Promise<BenchRun> {
  const quick = opts.quick ?? false;
  setQuiet(opts.progress === false);
  const s = SETTINGS[quick ? 'quick' : 'full'];
  const startedAt = new Date();
  const t0 = now();
  progress(`starting the ${quick ? 'quick' : 'full'} bench`);
  const r1 = await targetedVsFull(s.catalog);
  const r2 = await roundTrips();
  // One local host for both HTTP benchmarks: latency first, on an idle service; then the load, whose backlog of
  // created tasks the host keeps syncing afterwards.
  const host = await startBenchHost();
  let r3: Api, r7: Latency;
  try {
    r7 = await latency(host, s.latency);
    r3 = await api(host, s.apiSeconds, !quick);
  } finally {
    await host.stop();
  }
  const r4 = await ingest(s.ingest);
  const r5 = await burst(s.burst);
  const r6 = await scale(s.scale);
  const r8 = await matching(s.matching);
  const r9 = await policyChange(s.policyChange);
  const r10 = await principalSync(s.principals);
  const r11 = await sweeperBench(s.sweeper);
  const r12 = await fanOut(s.fanOut);
  const r13 = intakeInItsOwnProcess(quick, opts.progress !== false);
  const results = [r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13];
  const run: RunInfo = {
    quick,
    startedAt,
    ms: now() - t0,
    command: quick ? 'npm run bench -- --quick' : 'npm run bench',
  };
  if (opts.write ?? true) {
    // A quick run writes beside the full results, never over them: the committed figures are the full run's.
    const [md, svg] = quick ? ['RESULTS-quick.md', 'results-quick.svg'] : ['RESULTS.md', 'results.svg'];
    writeFileSync(
      fileURLToPath(new URL(`./${md}`, import.meta.url)),
      resultsMarkdown(results, run).replace('](results.svg)', `](${svg})`),
    );
    writeFileSync(fileURLToPath(new URL(`./${svg}`, import.meta.url)), resultsSvg(results, run));
    progress(`wrote bench/${md} and bench/${svg}`);
  }
  progress(`done in ${(run.ms / 1000).toFixed(1)} s`);
  return {
    run,
    targetedVsFull: r1,
    roundTrips: r2,
    api: r3,
    ingest: r4,
    burst: r5,
    scale: r6,
    latency: r7,
    matching: r8,
    policyChange: r9,
    principalSync: r10,
    sweeper: r11,
    fanOut: r12,
    intake: r13,
    results,
  };
}
