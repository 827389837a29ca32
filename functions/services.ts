import type { InvocationContext } from '@azure/functions';
import { type Config, loadConfig } from '../shared/config.js';
import { WAREHOUSES } from '../shared/connectors/modules.js';
import type { WarehouseModule } from '../shared/connectors/warehouse-module.js';
import type { Log } from '../shared/log.js';
import { buildServices, type Services } from '../shared/runtime.js';

let warehouses: readonly WarehouseModule[] = WAREHOUSES;
let config: Config | undefined;
let services: Promise<Services> | undefined;

/**
 * Lets CONNECTOR_KIND name a warehouse besides the real ones: a test's local host serves its in-memory fixture this
 * way. Nothing in a deployment calls it. Before the settings are first read.
 */
export function serveWarehouses(extra: readonly WarehouseModule[]): void {
  if (config) throw new Error('serveWarehouses: the settings were read already');
  warehouses = [...WAREHOUSES, ...extra];
}

/** Settings are parsed once, at start-up: a bad setting stops the host with one message naming every problem. */
export function appConfig(): Config {
  return (config ??= loadConfig(process.env, warehouses));
}

/** Built on first use and shared by every invocation of this worker instance (one warehouse connection). */
export function appServices(): Promise<Services> {
  services ??= buildServices(appConfig()).catch((err: unknown) => {
    services = undefined; // let the next invocation try again instead of failing forever
    throw err;
  });
  return services;
}

/** Structured logs through the invocation context, so Application Insights gets them with the invocation id. */
export function contextLog(context: InvocationContext): Log {
  return (level, message, fields = {}) => context[level](message, fields);
}
