import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeBenchFiles } from './catalog.js';
import { mb, now, progress, round, type BenchResult, type Figure } from './harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Scale extends BenchResult { raw: Array<{ tables: number; peakMB: number; peakHeapMB: number; baselineMB: number; ms: number; statuses: string[] }> }

/** Starts `npm run emulator:snowflake`'s script (dev/emulators/snowflake/main.ts) with a catalog, as its own process. */
async function emulatorProcess(catalogFile: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', 'dev/emulators/snowflake/main.ts', '--port', '0', '--catalog', catalogFile],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start:\n${text}`)), 300_000);
    child.stdout!.on('data', () => { const m = /listening on (\S+)/.exec(text); if (m) { clearTimeout(timer); resolve(m[1]!); } });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`emulator exited with ${code}:\n${text}`)); });
  });
  return {
    url, child,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** Runs bench/scale-child.ts and returns the JSON line it prints. */
function serviceProcess(emulatorUrl: string, policyFile: string): Promise<{ ms: number; statuses: string[]; messages: string[]; peakBytes: number; peakHeapBytes: number; baselineBytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/scale-child.ts', emulatorUrl, policyFile, 'off'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.once('exit', (code) => {
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
      if (code !== 0 || !line) return reject(new Error(`service process exited with ${code}:\n${err.slice(-2000)}`));
      resolve(JSON.parse(line) as never);
    });
  });
}

/**
 * Full sync peak RSS of the service process (Azurite + connector + worker; the emulator runs in its own process)
 * for each catalog size: `schemas` x 100 tables, 20 columns, 200 policies, no injected latency (memory, not time).
 */
export async function scale(sizes: number[]): Promise<Scale> {
  const started = now();
  const raw: Scale['raw'] = [];
  const failures: string[] = [];
  for (const tables of sizes) {
    try {
      raw.push(await measureSize(tables));
    } catch (err) {
      // A size that could not be measured is reported as such, not allowed to take the other figures with it.
      failures.push(`${tables.toLocaleString('en-US')} tables NOT MEASURED: ${(err as Error).message.split('\n')[0]}`);
      progress(`scale: ${failures.at(-1)}`);
    }
  }
  const figures: Figure[] = raw.flatMap((r) => [
    { label: `${r.tables.toLocaleString('en-US')} tables: service peak RSS`, value: r.peakMB, unit: 'MB', ...(r.tables >= 100_000 ? { target: '< 256' } : {}) },
    { label: `${r.tables.toLocaleString('en-US')} tables: peak RSS growth over the process at start-up`, value: round(r.peakMB - r.baselineMB, 1), unit: 'MB', note: `start-up ${r.baselineMB} MB` },
    { label: `${r.tables.toLocaleString('en-US')} tables: service peak JS heap used`, value: r.peakHeapMB, unit: 'MB' },
    { label: `${r.tables.toLocaleString('en-US')} tables: full sync wall time`, value: round(r.ms / 1000, 1), unit: 's', note: `tasks ${r.statuses.join(', ')}` },
  ]);
  return {
    name: 'scale', title: 'Full sync memory at scale',
    settings: `catalogs of ${sizes.map((n) => n.toLocaleString('en-US')).join(' and ')} tables (100 tables per schema, 20 columns, 200 policies, no grants yet), emulator in its own process (dev/emulators/snowflake/main.ts, the emulator:snowflake script), no injected latency, masking sync off; peak RSS of the service process = max(sampled every 20 ms, getrusage maxRSS), start-up included`,
    figures,
    notes: [
      ...failures,
      `"Start-up" is the service process's RSS once its modules are loaded (Node, the tsx loader compiling TypeScript on the fly, Azurite, the Azure SDKs, snowflake-sdk) and before Azurite is started or the sync begins: ${raw.map((r) => `${r.baselineMB} MB`).join(' and ')}. What the full sync itself adds is the growth line: it rises far less than the catalog (10x the tables), which is the streaming by container working; the 256 MB target is missed on the fixed cost of the process as run here, not on per-table state.`,
      'What would reach < 256 MB: run the compiled build (dist/, no tsx loader and esbuild transforms in memory) and keep Azurite out of the service process (it is the storage emulator, not the service; on Azure the storage is remote). Both are measurements to take next, not ones taken here.',
    ],
    ms: now() - started,
    raw,
  };
}

async function measureSize(tables: number): Promise<Scale['raw'][number]> {
  const shape = { schemas: Math.max(1, Math.round(tables / 100)), tables: Math.min(100, tables), columns: 20, policies: 200 };
  progress(`scale: generating ${tables.toLocaleString('en-US')} tables and starting the emulator process`);
  const files = writeBenchFiles(shape);
  const emulator = await emulatorProcess(files.catalogFile);
  try {
    progress(`scale: full sync of ${tables.toLocaleString('en-US')} tables in the service process`);
    const r = await serviceProcess(emulator.url, files.policyFile);
    progress(`scale: ${tables.toLocaleString('en-US')} tables: peak RSS ${mb(r.peakBytes)} MB, ${round(r.ms / 1000, 1)} s (${r.messages.join('; ')})`);
    return { tables, peakMB: mb(r.peakBytes), peakHeapMB: mb(r.peakHeapBytes), baselineMB: mb(r.baselineBytes), ms: r.ms, statuses: r.statuses };
  } finally {
    await emulator.stop();
    files.remove();
  }
}
