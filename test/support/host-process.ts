import type { ChildProcess } from 'node:child_process';
import { spawnLocalHost } from '../../dev/host/spawn-host.js';
import { MEMORY_HOST_ENTRY } from './memory/memory-module.js';

/**
 * The local host (`npm start`'s entry point) as a separate process whose structured logs are kept: unlike
 * child-host.ts it does not pass --quiet, so every JSON log line the service writes can be inspected, and it
 * can be killed outright (SIGKILL) to stand for a worker that dies mid-sync. CONNECTOR_KIND=memory runs the test
 * entry that serves the in-memory warehouse too.
 */
export interface HostProcess {
  apiUrl: string;
  token: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** The JSON log lines written so far. */
  logs(): Record<string, unknown>[];
  /** Resolves when a log line satisfies `match`, or rejects after `timeoutMs`. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(signal?: NodeJS.Signals): Promise<number | string | null>;
  stop(): Promise<number | null>;
}

export async function startHostProcess(env: Record<string, string>, timeoutMs = 45_000): Promise<HostProcess> {
  const entry = env.CONNECTOR_KIND === 'memory' ? { entry: MEMORY_HOST_ENTRY } : {};
  const { apiUrl, token, child, output, stop } = await spawnLocalHost(env, { quiet: false, timeoutMs, ...entry });
  const logs = () =>
    output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    apiUrl,
    token,
    child,
    output,
    logs,
    waitForLog: async (match, ms = 30_000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = logs().find(match);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching log line within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill: (signal = 'SIGKILL') =>
      new Promise((resolve) => {
        if (exited()) return resolve(child.exitCode ?? child.signalCode);
        child.once('exit', (code, sig) => resolve(code ?? sig));
        child.kill(signal);
      }),
    stop: () => stop(),
  };
}
