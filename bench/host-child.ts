import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_USERS, startSnowflakeEmulator, type SnowflakeEmulator } from '../dev/emulators/snowflake/index.js';

export interface HostChild { apiUrl: string; token: string; child: ChildProcess; stop(): Promise<void> }

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * `npm start`'s entry point (the local host: HTTP routes, queue poller, Azurite in-process) as a separate
 * process, quiet, reading the API URL and the development token it prints. A separate process keeps the load
 * generator and the measuring loop off the service's event loop.
 */
export async function startHostChild(env: Record<string, string>, timeoutMs = 60_000): Promise<HostChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts', '--quiet'], {
    cwd: ROOT, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
  const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local host did not start:\n${text}`)), timeoutMs);
    const check = () => {
      const m = /API:\s+(\S+)\/task[\s\S]*token:\s+(\S+)\n/.exec(text);
      if (m) { clearTimeout(timer); resolve(m); }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`local host exited with ${code}:\n${text}`)); });
  });
  return {
    apiUrl: ready[1]!, token: ready[2]!, child,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => { clearTimeout(kill); resolve(); });
      child.kill('SIGINT');
    }),
  };
}

export interface BenchHost { host: HostChild; emulator: SnowflakeEmulator; stop(): Promise<void> }

const demo = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The local host as a child process, pointed at a Snowflake emulator in this process (demo catalog and policies),
 * so the bench can set the emulator's latency and read its round-trip counter directly.
 */
export async function startBenchHost(): Promise<BenchHost> {
  const emulator = await startSnowflakeEmulator({ catalog: demo('../dev/emulators/snowflake/demo-catalog.json') });
  const host = await startHostChild({
    CONNECTOR_KIND: 'snowflake', SNOWFLAKE_ACCOUNT: 'emulator', SNOWFLAKE_USERNAME: DEFAULT_USERS[0]!.name,
    SNOWFLAKE_PASSWORD: DEFAULT_USERS[0]!.password, SNOWFLAKE_ACCESS_URL: emulator.url, POLICY_FILE: demo('../dev/demo/policies.json'),
  });
  return { host, emulator, stop: async () => { await host.stop(); await emulator.stop(); } };
}
