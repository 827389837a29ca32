import { type SpawnedHost, spawnLocalHost } from '../../dev/host/spawn-host.js';
import { MEMORY_HOST_ENTRY } from './memory/memory-module.js';

export type ChildHost = SpawnedHost;

/**
 * Starts `npm start`'s entry point as a separate process and reads the URL and token it prints; with
 * CONNECTOR_KIND=memory, the test entry that serves the in-memory warehouse too.
 */
export const startChildHost = (env: Record<string, string> = {}, timeoutMs = 50_000): Promise<ChildHost> =>
  spawnLocalHost(env, {
    quiet: true,
    timeoutMs,
    ...(env.CONNECTOR_KIND === 'memory' ? { entry: MEMORY_HOST_ENTRY } : {}),
  });
