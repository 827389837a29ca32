import type { ChildProcess } from 'node:child_process';
import { spawnLocalHost } from '../../dev/host/spawn-host.js';

export interface ChildHost { apiUrl: string; token: string; curl: string; child: ChildProcess; output(): string; stop(): Promise<number | null> }

/** Starts `npm start`'s entry point as a separate process and reads the URL and token it prints. */
export async function startChildHost(env: Record<string, string> = {}, timeoutMs = 50_000): Promise<ChildHost> {
  const { apiUrl, token, curl, child, output } = await spawnLocalHost(env, { quiet: true, timeoutMs });
  return {
    apiUrl, token, curl, child, output,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGINT');
    }),
  };
}
