import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startAzuriteProcesses } from '../dev/azurite-processes.js';
import { DEFAULT_USERS, type SnowflakeEmulator, startSnowflakeEmulator } from '../dev/emulators/snowflake/index.js';
import { spawnLocalHost } from '../dev/host/spawn-host.js';

export interface HostChild {
  apiUrl: string;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `npm start`'s entry point (the local host: HTTP routes, queue poller, Azurite in-process) as a separate
 * process, quiet, reading the API URL and the development token it prints. A separate process keeps the load
 * generator and the measuring loop off the service's event loop.
 */
export async function startHostChild(env: Record<string, string>, timeoutMs = 60_000): Promise<HostChild> {
  const { apiUrl, token, child, stop } = await spawnLocalHost(env, { quiet: true, timeoutMs });
  return {
    apiUrl,
    token,
    child,
    stop: async () => {
      await stop(10_000);
    },
  };
}

export interface BenchHost {
  host: HostChild;
  emulator: SnowflakeEmulator;
  stop(): Promise<void>;
}

const demo = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The local host's settings against an emulator: the demo policies, and the given storage or Azurite in the host. */
export const benchHostEnv = (emulatorUrl: string, storageConnectionString?: string): Record<string, string> => ({
  CONNECTOR_KIND: 'snowflake',
  SNOWFLAKE_ACCOUNT: 'emulator',
  SNOWFLAKE_USERNAME: DEFAULT_USERS[0]!.name,
  SNOWFLAKE_PASSWORD: DEFAULT_USERS[0]!.password,
  SNOWFLAKE_ACCESS_URL: emulatorUrl,
  POLICY_FILE: demo('../dev/demo/policies.json'),
  ...(storageConnectionString ? { AzureWebJobsStorage: storageConnectionString } : {}),
});

/**
 * The local host as a child process, pointed at a Snowflake emulator in this process (demo catalog and policies),
 * so the bench can set the emulator's latency and read its round-trip counter directly. Its storage is Azurite
 * in processes of its own (dev/azurite-processes.ts), as a deployed service's storage account is remote.
 */
export async function startBenchHost(): Promise<BenchHost> {
  const emulator = await startSnowflakeEmulator({ catalog: demo('../dev/emulators/snowflake/demo-catalog.json') });
  const storage = await startAzuriteProcesses();
  const host = await startHostChild(benchHostEnv(emulator.url, storage.connectionString));
  return {
    host,
    emulator,
    stop: async () => {
      await host.stop();
      await Promise.all([emulator.stop(), storage.stop()]);
    },
  };
}
