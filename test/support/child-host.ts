import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildHost { apiUrl: string; token: string; curl: string; child: ChildProcess; output(): string; stop(): Promise<number | null> }

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Starts `npm start`'s entry point as a separate process and reads the URL and token it prints. */
export async function startChildHost(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<ChildHost> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts', '--quiet'], {
    cwd: ROOT, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
  const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local host did not start:\n${text}`)), timeoutMs);
    const check = () => {
      const m = /API:\s+(\S+)\/task[\s\S]*token:\s+(\S+)[\s\S]*(curl -s -X POST .*)\n/.exec(text);
      if (m) { clearTimeout(timer); resolve(m); }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`local host exited with ${code}:\n${text}`)); });
  });
  return {
    apiUrl: ready[1]!, token: ready[2]!, curl: ready[3]!, child, output: () => text,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGINT');
    }),
  };
}
