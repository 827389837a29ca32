import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Stops a child process and waits for it to exit. */
function stopper(child: ChildProcess): () => Promise<void> {
  return () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts `npm run emulator:snowflake`'s script (dev/emulators/snowflake/main.ts) with a catalog, as its own process. */
export async function emulatorProcess(catalogFile: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
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
    stop: stopper(child),
  };
}

/** Azurite as its own process (bench/storage-child.ts): the storage account, remote to the service as on Azure. */
export interface StorageProcess { connectionString: string; stop(): Promise<void> }

export async function storageProcess(): Promise<StorageProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/storage-child.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const connectionString = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const line = text.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { connectionString: string }).connectionString);
    });
    child.once('exit', (code) => reject(new Error(`storage process exited with ${code}`)));
  });
  return {
    connectionString,
    stop: stopper(child),
  };
}

