import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type AzuriteHandle, devConnectionString } from './azurite.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/**
 * Azurite's table and queue services as two processes of their own (in memory), standing in for a remote storage
 * account: for the full load run (in-process Azurite shares one thread with the test and the emulator and becomes
 * the bottleneck at 10,000 tasks) and for the benchmarks, which measure the service as it is deployed.
 */
export async function startAzuriteProcesses(): Promise<AzuriteHandle> {
  const [tablePort, queuePort] = await Promise.all([freePort(), freePort()]);
  const start = (service: 'table' | 'queue', port: number) =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          `node_modules/azurite/dist/src/${service}/main.js`,
          '--inMemoryPersistence',
          '--skipApiVersionCheck',
          '--silent',
          '--loose',
          '--disableTelemetry',
          `--${service}Host`,
          '127.0.0.1',
          `--${service}Port`,
          String(port),
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`azurite ${service} did not start: ${out}`));
      }, 20_000);
      const check = (d: Buffer) => {
        out += d.toString();
        if (/successfully (listen|started)/i.test(out)) {
          clearTimeout(timer);
          resolve(child);
        }
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`azurite ${service} exited with ${code}: ${out}`));
      });
      timer.unref();
    });
  const started = await Promise.allSettled([start('table', tablePort), start('queue', queuePort)]);
  const children = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    for (const c of children) c.kill('SIGKILL'); // never leave half of Azurite running
    throw failed.reason;
  }
  return {
    connectionString: devConnectionString(tablePort, queuePort),
    stop: async () => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
