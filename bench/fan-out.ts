import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAzuriteProcesses } from '../dev/azurite-processes.js';
import { workerNodeArgs } from '../infra/worker-arguments.js';
import { snowflakeModule } from '../shared/connectors/snowflake/module.js';
import { SnowflakeConnector } from '../shared/connectors/snowflake/snowflake-connector.js';
import { startFullSync } from '../shared/intake/full-sync.js';
import { queueClient, tableClient } from '../shared/store/clients.js';
import { DispatchQueue } from '../shared/store/dispatch-queue.js';
import { TaskStore } from '../shared/store/task-store.js';
import { isTerminal } from '../shared/task/status.js';
import { writeBenchFiles } from './catalog.js';
import { type BenchResult, type Figure, mb, now, progress, round, sleep } from './harness.js';
import { benchHostEnv } from './host-child.js';
import { childProcesses, cpuMeter } from './process-cpu.js';
import { emulatorProcess } from './scale.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface FanOutSettings {
  tables: number;
  schemas: number;
  workers: number[];
  latencyMs: number;
  /** Run the workers compiled by tsc, as deployed (the full run), or through the tsx loader (quick). */
  compiled: boolean;
  /** Node's arguments for each worker: the deployment's (`languageWorkers__node__arguments`) unless a run says otherwise. */
  nodeArgs?: readonly string[];
}

export interface FanOut extends BenchResult {
  raw: Array<{
    workers: number;
    ms: number;
    peakMB: number[];
    units: number;
    statuses: string[];
    /** CPU seconds each process used during the sync: worker 1..n, emulator, Azurite's table and queue. */
    cpu: Record<string, number>;
  }>;
}

/**
 * A scheduled full sync of one database of `schemas` schemas, fanned out into one unit per schema, run by 1, 2 and 4
 * worker processes (the local host: its queue poller and sync worker, host.json's batch size each) that share one
 * Azurite (processes of its own) and one Snowflake emulator process with `latencyMs` added to every round trip. Wall
 * time from the timer's start to the last task's end; each worker's peak RSS (the kernel's high-water mark, VmHWM).
 */
export async function fanOut(s: FanOutSettings): Promise<FanOut> {
  const started = now();
  const build = `.scratch-bench-fan-out-${process.pid}`;
  const files = writeBenchFiles({ schemas: s.schemas, tables: s.tables / s.schemas, columns: 4, policies: 200 });
  const raw: FanOut['raw'] = [];
  const failures: string[] = [];
  try {
    if (s.compiled) {
      progress('fan-out: compiling the local host (tsc) so the workers run as deployed, without the tsx loader');
      compile(build);
    }
    for (const workers of s.workers) {
      try {
        raw.push(await measure(s, workers, files, s.compiled ? build : undefined));
      } catch (err) {
        failures.push(`${workers} worker(s) NOT MEASURED: ${(err as Error).message.split('\n')[0]}`);
        progress(`fan-out: ${failures.at(-1)}`);
      }
    }
  } finally {
    files.remove();
    rmSync(join(ROOT, build), { recursive: true, force: true });
  }
  const one = raw.find((r) => r.workers === 1);
  const figures: Figure[] = raw.flatMap((r) => [
    {
      label: `${r.workers} worker(s): full sync wall time`,
      value: round(r.ms / 1000, 1),
      unit: 's',
      note: `tasks ${r.statuses.join(', ')}, ${r.units} units`,
    },
    ...(one && r.workers > 1
      ? [
          {
            label: `${r.workers} workers: speed-up over 1`,
            value: round(one.ms / r.ms, 2),
            unit: 'x',
            target: `>= ${round(0.8 * r.workers, 1)}`,
          },
        ]
      : []),
    {
      label: `${r.workers} worker(s): cores busy (every process's CPU time / wall time)`,
      value: round(sum(Object.values(r.cpu)) / (r.ms / 1000), 2),
      unit: 'cores',
      note: cpuLine(r.cpu, r.ms),
    },
    {
      label: `${r.workers} worker(s): peak RSS of the largest worker`,
      value: Math.max(...r.peakMB),
      unit: 'MB',
      target: '< 200',
      note: `each: ${r.peakMB.join(', ')} MB`,
    },
  ]);
  return {
    name: 'fan-out',
    title: 'Full sync fanned out over worker processes',
    settings: `one database of ${s.tables.toLocaleString('en-US')} tables in ${s.schemas.toLocaleString('en-US')} schemas (4 columns, 200 policies, no grants yet; masking sync off), ${s.latencyMs} ms added to every warehouse round trip; ${s.workers.join(', ')} worker processes (the local host${s.compiled ? ' compiled by tsc' : ' through tsx'}, host.json batch size each, node ${(s.nodeArgs ?? workerNodeArgs()).join(' ') || 'without arguments'}) sharing one Azurite (two processes) and one emulator process; a fresh emulator and storage per worker count`,
    figures,
    notes: [
      ...failures,
      "The machine has 2 cores shared by the emulator, Azurite and the workers: once the warehouse waits are covered by the workers' concurrency, the work is bound by those cores, not by the number of workers. The cores-busy line says how close each run came to that bound (2.0 is all of both), its note how each process used its share (CPU seconds, % of one core over the wall time).",
    ],
    ms: now() - started,
    raw,
  };
}

function compile(build: string): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'bench/tsconfig.fan-out.json', '--outDir', build], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
  copyFileSync(join(ROOT, 'host.json'), join(ROOT, build, 'host.json'));
}

async function measure(
  s: FanOutSettings,
  workers: number,
  files: { catalogFile: string; policyFile: string },
  build: string | undefined,
): Promise<FanOut['raw'][number]> {
  progress(
    `fan-out: ${workers} worker(s): starting the emulator (${s.tables.toLocaleString('en-US')} tables) and storage`,
  );
  const [emulator, storage] = await Promise.all([emulatorProcess(files.catalogFile), startAzuriteProcesses()]);
  const children: ChildProcess[] = [];
  const connector = SnowflakeConnector.fromSettings({
    account: 'emulator',
    username: 'POLICYSYNC',
    password: 'emulator',
    accessUrl: emulator.url,
  });
  try {
    const suffix = randomBytes(4).toString('hex');
    const names = { TASKS_TABLE: `fanout${suffix}`, SYNC_QUEUE: `fanout-${suffix}` };
    const env = {
      ...benchHostEnv(emulator.url, storage.connectionString),
      POLICY_FILE: files.policyFile,
      // As in the scale benchmark: grants only, the masking sync's extra reads per table left out.
      CONNECTOR_SNOWFLAKE_GOVERNANCE_SCHEMA: 'none',
      ...names,
    };
    for (let i = 0; i < workers; i++) children.push(await startWorker(env, build, s.nodeArgs ?? workerNodeArgs()));
    const settings = { connectionString: storage.connectionString };
    const store = new TaskStore(tableClient(settings, names.TASKS_TABLE));
    const queue = new DispatchQueue(
      queueClient(settings, names.SYNC_QUEUE),
      queueClient(settings, `${names.SYNC_QUEUE}-poison`),
    );
    await Promise.all([store.init(), queue.init()]);
    await fetch(`${emulator.url}/__emulator/latency`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: s.latencyMs }),
    });
    progress(`fan-out: ${workers} worker(s): full sync`);
    const azurite = (service: string) =>
      childProcesses().find((p) => p.command.includes(`azurite/dist/src/${service}/`))?.pid ?? 0;
    const cpu = cpuMeter({
      ...Object.fromEntries(children.map((c, i) => [`worker ${i + 1}`, c.pid!])),
      emulator: emulator.child.pid!,
      'azurite table': azurite('table'),
      'azurite queue': azurite('queue'),
    });
    const t0 = now();
    const ids = await startFullSync(
      { store, queue, warehouse: snowflakeModule, instance: 'bench' },
      connector,
      new Date(),
    );
    const deadline = Date.now() + 60 * 60_000;
    let tasks = await Promise.all(ids.map((id) => store.get(id)));
    while (!tasks.every((t) => t && isTerminal(t.header.status))) {
      if (Date.now() > deadline) throw new Error('the full sync did not finish within an hour');
      await sleep(500);
      tasks = await Promise.all(ids.map((id) => store.get(id)));
    }
    const ms = now() - t0;
    const used = cpu();
    const peakMB = children.map((c) => mb(peakRss(c.pid!)));
    const units = tasks.reduce((n, t) => n + (t!.header.unitsTotal ?? 0), 0);
    progress(
      `fan-out: ${workers} worker(s): ${round(ms / 1000, 1)} s, ${units} units, peak RSS ${peakMB.join(', ')} MB; CPU ${cpuLine(used, ms)}`,
    );
    return { workers, ms, peakMB, units, statuses: tasks.map((t) => t!.header.status), cpu: used };
  } finally {
    await connector.close();
    await Promise.all(children.map(stopChild));
    await Promise.all([emulator.stop(), storage.stop()]);
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** `emulator 80.1 s (61 %)`: each process's CPU time and its share of one core over the wall time. */
const cpuLine = (cpu: Record<string, number>, ms: number) =>
  Object.entries(cpu)
    .map(([name, s]) => `${name} ${round(s, 1)} s (${Math.round((s * 100_000) / ms)} %)`)
    .join(', ');

/** The kernel's high-water mark of the process's resident set (Linux /proc; bytes). */
function peakRss(pid: number): number {
  const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) * 1024;
}

/** A worker: the local host as a separate process, quiet, ready once it has printed its banner. */
function startWorker(
  env: Record<string, string>,
  build: string | undefined,
  nodeArgs: readonly string[],
): Promise<ChildProcess> {
  const args = [
    ...nodeArgs,
    ...(build ? [join(build, 'dev/start.js'), '--quiet'] : ['--import', 'tsx', 'dev/start.ts', '--quiet']),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${text}`)), 60_000);
    const onData = (d: Buffer) => {
      text += d.toString();
      if (/policysync is running/.test(text)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${text.slice(-2000)}`));
    });
  });
}

const stopChild = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGINT');
  });
