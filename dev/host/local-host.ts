import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WarehouseModule } from '../../shared/connectors/warehouse-module.js';
import { CONNECTOR_KIND } from '../../shared/settings-list.js';
import { startTelemetry } from '../../shared/telemetry/setup.js';
import { type AzuriteHandle, startAzurite } from '../azurite.js';
import type { LocalWarehouse } from '../warehouses/local-warehouse.js';
import { LOCAL_WAREHOUSES } from '../warehouses/registry.js';
import { readHostSettings } from './host-json.js';
import { httpServer } from './http-server.js';
import type { HostLog } from './invocation.js';
import { type Poller, startQueuePoller } from './queue-poller.js';
import { startTimer } from './timer.js';

export interface LocalHostOptions {
  /** Settings layered over process.env (the local.settings.json `Values` of a real host). */
  env?: Record<string, string>;
  port?: number;
  log?: HostLog;
  /** Warehouses CONNECTOR_KIND may name besides the real ones: a test's in-memory fixture. */
  warehouses?: readonly LocalWarehouse[];
}

export interface LocalHost {
  url: string;
  apiUrl: string;
  env: Record<string, string>;
  emulatorUrl?: string;
  /** The warehouse this host syncs. */
  warehouse: WarehouseModule;
  stop(): Promise<void>;
}

/** Demo defaults: what `npm start` runs with on a fresh clone, each overridable by the environment. */
function demoDefaults(kind: string, local: LocalWarehouse | undefined): Record<string, string> {
  return {
    CONNECTOR_KIND: kind,
    CONNECTOR_INSTANCE: 'local',
    ...(local ? { POLICY_FILE: local.policies } : {}),
    ...(local?.principals ? { PRINCIPALS_FILE: local.principals } : {}),
    JWT_SECRET: randomBytes(32).toString('base64url'),
  };
}

/**
 * Runs the function registrations without Core Tools: Azurite in-process (unless a storage connection is
 * configured), the HTTP routes on node:http, the queue poller, and an Event Hub consumer when configured.
 */
export async function startLocalHost(opts: LocalHostOptions = {}): Promise<LocalHost> {
  const log = opts.log ?? ((line) => process.stdout.write(`${JSON.stringify(line)}\n`));
  const given = { ...definedOnly(process.env), ...opts.env };
  const kind = given.CONNECTOR_KIND ?? CONNECTOR_KIND.default!;
  const local = [...LOCAL_WAREHOUSES, ...(opts.warehouses ?? [])].find((w) => w.module.kind === kind);
  const env: Record<string, string> = { ...demoDefaults(kind, local), ...given };
  let azurite: AzuriteHandle | undefined;
  if (!env.AzureWebJobsStorage) {
    azurite = await startAzurite();
    env.AzureWebJobsStorage = azurite.connectionString;
  }
  // No warehouse configured: run its emulator with the demo catalog, so the demo changes real grants.
  const emulator = await local?.emulator?.(env);
  Object.assign(env, emulator?.settings);
  if (opts.port !== undefined) env.PORT = String(opts.port);
  Object.assign(process.env, env);

  // Imported only now: the functions read their settings once, from the environment just prepared.
  const { registrations } = await import('../../functions/registry.js');
  const { appConfig, appServices, serveWarehouses } = await import('../../functions/services.js');
  if (opts.warehouses?.length) serveWarehouses(opts.warehouses.map((w) => w.module));
  const config = appConfig();
  const telemetry = await startTelemetry(config);
  const services = await appServices();
  const host = readHostSettings();
  const regs = registrations(config);

  const server: Server = httpServer(
    host.routePrefix,
    regs.flatMap((r) => (r.kind === 'http' ? [r] : [])),
    log,
  );
  await new Promise<void>((resolve) => server.listen(config.port, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const pollers: Poller[] = regs.flatMap((r) =>
    r.kind === 'queue'
      ? // A received message stays invisible as long as a task lease lasts: if this host dies mid-sync, the
        // message comes back about when another worker may take the task over.
        [
          startQueuePoller(
            r.name,
            r.options,
            services.queue.client,
            services.queue.poison,
            host,
            log,
            config.leaseSeconds * 1000,
          ),
        ]
      : [],
  );
  const timers = regs.flatMap((r) => (r.kind === 'timer' ? [startTimer(r.name, r.options, log)] : []));
  const eventHub = regs.find((r) => r.kind === 'eventHub');
  const consumer =
    eventHub?.kind === 'eventHub' && config.eventHub.connection
      ? await (await import('./event-hub-consumer.js')).startEventHubConsumer(
          eventHub.name,
          eventHub.options,
          config.eventHub,
          log,
        )
      : undefined;

  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/${host.routePrefix}/v1`,
    env,
    ...(emulator ? { emulatorUrl: emulator.url } : {}),
    warehouse: config.warehouse.module,
    stop: async () => {
      for (const t of timers) t.stop();
      await consumer?.stop();
      await Promise.all(pollers.map((p) => p.stop()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await services.connector.close();
      await emulator?.stop();
      await azurite?.stop();
      // What is buffered goes out before the process ends; a collector that is gone does not hold the stop.
      await telemetry.flush().catch(() => undefined);
    },
  };
}

const definedOnly = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
