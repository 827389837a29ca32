import autocannon, { type AutocannonResult } from 'autocannon';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTask } from '../shared/intake/create-task.js';
import { now, progress, round, type BenchResult } from './harness.js';
import type { BenchHost } from './host-child.js';
import { startBenchStorage } from './rig.js';

const CONNECTIONS = 32;
const BODY = JSON.stringify({ type: 'RESOURCE_SYNC', requestInfo: { resources: [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' } }] } });

export interface Api extends BenchResult { raw: { post: Summary; get: Summary } }
interface Summary { rps: number; p50: number; p99: number; non2xx: number; errors: number; requests: number }

const summary = (r: AutocannonResult): Summary =>
  ({ rps: round(r.requests.average, 0), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts, requests: r.requests.total });

/**
 * autocannon against the local host: POST task, then GET task, each for `seconds` at 32 connections. The host
 * runs as its own process (`dev/start.ts`, Azurite in-process, its queue poller syncing every task created against
 * a Snowflake emulator in this process); autocannon runs here, so load generation and service do not share an
 * event loop (they do share the machine's two cores).
 */
export async function api(bench: BenchHost, seconds: number, compareInProcess = true): Promise<Api> {
  const started = now();
  const { host } = bench;
  const headers = { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' };
  {
    // Warm-up: JIT, Azurite's tables, the host's warehouse connection.
    await autocannon({ url: `${host.apiUrl}/task`, method: 'POST', headers, body: BODY, connections: 8, duration: Math.min(3, seconds / 2) });
    progress(`api: POST /task for ${seconds} s at ${CONNECTIONS} connections`);
    const post = summary(await autocannon({ url: `${host.apiUrl}/task`, method: 'POST', headers, body: BODY, connections: CONNECTIONS, duration: seconds }));
    const created = await fetch(`${host.apiUrl}/task`, { method: 'POST', headers, body: BODY });
    const { taskId } = (await created.json()) as { taskId: string };
    progress(`api: POST ${post.rps} req/s p99 ${post.p99} ms; GET /tasks/{id} for ${seconds} s`);
    const get = summary(await autocannon({ url: `${host.apiUrl}/tasks/${taskId}`, headers, connections: CONNECTIONS, duration: seconds }));
    progress(`api: GET ${get.rps} req/s p99 ${get.p99} ms; GET /health for ${seconds} s`);
    const health = summary(await autocannon({ url: `${host.apiUrl}/health`, connections: CONNECTIONS, duration: seconds }));
    const storage = await storageCost();
    const inProcess = compareInProcess ? await postInProcess(bench.emulator.url, seconds) : undefined;
    if (inProcess) progress(`api: in-process comparison: POST ${inProcess.rps} req/s p99 ${inProcess.p99} ms`);
    return {
      name: 'api', title: 'Task API under load (autocannon)',
      settings: `${CONNECTIONS} connections, ${seconds} s per route after a warm-up, HS256 bearer token, local host as a child process with in-process Azurite; every POST creates a task the host's poller then syncs against the emulator`,
      figures: [
        { label: 'POST /task: requests/s', value: post.rps, unit: 'req/s', target: '>= 1,000' },
        { label: 'POST /task: p50 latency', value: post.p50, unit: 'ms' },
        { label: 'POST /task: p99 latency', value: post.p99, unit: 'ms', target: '<= 50' },
        { label: 'POST /task: non-2xx / errors', value: post.non2xx + post.errors, unit: `of ${post.requests}` },
        { label: 'GET /tasks/{id}: requests/s', value: get.rps, unit: 'req/s' },
        { label: 'GET /tasks/{id}: p50 latency', value: get.p50, unit: 'ms' },
        { label: 'GET /tasks/{id}: p99 latency', value: get.p99, unit: 'ms' },
        { label: 'GET /tasks/{id}: non-2xx / errors', value: get.non2xx + get.errors, unit: `of ${get.requests}` },
        { label: 'GET /health (no storage, no auth): requests/s', value: health.rps, unit: 'req/s', note: `p50 ${health.p50} ms, p99 ${health.p99} ms` },
        ...(inProcess ? [{ label: 'POST /task with autocannon in the host\'s own process (comparison)', value: inProcess.rps, unit: 'req/s', note: `p50 ${inProcess.p50} ms, p99 ${inProcess.p99} ms` }] : []),
        { label: 'Azurite point read (TaskStore.get), 200 in flight, in this process', value: storage.getMs, unit: 'ms CPU-bound per op' },
        { label: 'Azurite resource-row query (TaskStore.resources), sequential, in this process', value: storage.resourcesMs, unit: 'ms per op' },
      ],
      notes: [
        `Where the time goes: the same host answers GET /health at ${health.rps} req/s, so the HTTP stack, the routing and autocannon itself are not the limit. By the code, a POST makes four storage requests (one entity-group transaction with the resource rows and the header, a read-back, the move to WAITING, the enqueue) and a GET two (header, resource rows); each storage request is Azure SDK work (pipeline, signing) plus Azurite's own handling, all JavaScript on the host's event loop, measured here at ~${storage.getMs} ms per point read and ~${storage.resourcesMs} ms per row query. Every POSTed task is also synced by the same host's poller while the load runs (more storage requests and warehouse calls on the same two cores).`,
        'What would reach 1,000 POST/s with p99 <= 50 ms: storage out of process (real Azure Storage, or Azurite as its own process on a machine with cores to spare), the create path cut to two requests (rows and header written WAITING in the one transaction, then the enqueue — no read-back, no second write), and the worker scaled out on separate instances rather than sharing the API\'s event loop. On this 2-core machine with Azurite in the host process the target is out of reach; the figure above is what this setup does.',
        `Load generator placement: the reported figures have autocannon in the bench process and the service in a child process (the emulator the host syncs against runs in the bench process too). ${inProcess ? `Measured in this run for comparison, autocannon inside the host's own process: ${inProcess.rps} req/s, p99 ${inProcess.p99} ms against ${post.rps} req/s, p99 ${post.p99} ms separated. In-process, autocannon's own CPU is charged to the event loop the service and Azurite run on, so that figure is not the service's alone; the separate-process figure is the one reported, and the pair shows how much placement moved it in this run.` : 'The in-process comparison is skipped in quick mode.'}`,
      ],
      ms: now() - started,
      raw: { post, get },
    };
  }
}

/** What one storage request costs here: Azurite in-process behind the Azure SDK, as the host runs it. */
async function storageCost(): Promise<{ getMs: number; resourcesMs: number }> {
  const s = await startBenchStorage();
  try {
    const intake = { store: s.store, queue: s.queue, kind: 'snowflake' as const, instance: 'bench' };
    const body = JSON.parse(BODY) as { type: 'RESOURCE_SYNC'; requestInfo: { resources: never[] } };
    const { task } = await createTask(intake, { request: body }, { source: 'API' });
    const id = task.header.taskId;
    for (let i = 0; i < 200; i++) await s.store.get(id);           // warm-up
    let t = now();
    await Promise.all(Array.from({ length: 200 }, () => s.store.get(id)));
    const getMs = round((now() - t) / 200, 2);
    t = now();
    for (let i = 0; i < 100; i++) await s.store.resources(id);
    return { getMs, resourcesMs: round((now() - t) / 100, 2) };
  } finally {
    await s.azurite.stop();
  }
}

/** POST /task with autocannon and the local host sharing one process (bench/api-inprocess.ts), for comparison. */
function postInProcess(emulatorUrl: string, seconds: number): Promise<{ rps: number; p50: number; p99: number } | undefined> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/api-inprocess.ts', emulatorUrl, String(seconds)],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.once('exit', () => {
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
      resolve(line ? JSON.parse(line) as { rps: number; p50: number; p99: number } : undefined);
    });
  });
}
