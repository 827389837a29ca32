import { spawnLocalHost, type SpawnedHost } from '../../dev/host/spawn-host.js';

export type ChildHost = SpawnedHost;

/** Starts `npm start`'s entry point as a separate process and reads the URL and token it prints. */
export const startChildHost = (env: Record<string, string> = {}, timeoutMs = 50_000): Promise<ChildHost> =>
  spawnLocalHost(env, { quiet: true, timeoutMs });
