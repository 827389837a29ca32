import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SpawnedHost {
  apiUrl: string;
  token: string;
  /** The curl line `npm start` prints to try the API. */
  curl: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGINT (the host stops its triggers and storage), SIGKILL after `killAfterMs` if given; resolves the exit code. */
  stop(killAfterMs?: number): Promise<number | null>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `npm start`'s entry point as a separate process, resolved once it has printed the API URL, the development
 * token and the curl line. `quiet` drops its JSON log lines (tests that read the logs leave it off). `entry`: another
 * script that runs the local host the same way (a test's, serving its fixture), relative to the repository.
 */
export async function spawnLocalHost(
  env: Record<string, string>,
  opts: { quiet: boolean; timeoutMs: number; entry?: string },
): Promise<SpawnedHost> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', opts.entry ?? 'dev/start.ts', ...(opts.quiet ? ['--quiet'] : [])],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  child.stdout!.on('data', (d: Buffer) => {
    text += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local host did not start:\n${text}`)), opts.timeoutMs);
    const check = () => {
      const m = /API:\s+(\S+)\/task[\s\S]*token:\s+(\S+)[\s\S]*(curl -s -X POST .*)\n/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local host exited with ${code}:\n${text}`));
    });
  });
  const stop = (killAfterMs?: number) =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      const kill = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      child.once('exit', (code) => {
        clearTimeout(kill);
        resolve(code);
      });
      child.kill('SIGINT');
    });
  return { apiUrl: ready[1]!, token: ready[2]!, curl: ready[3]!, child, output: () => text, stop };
}
