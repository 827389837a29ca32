import { fileURLToPath } from 'node:url';
import type { LocalWarehouse } from '../../../dev/warehouses/local-warehouse.js';
import { WAREHOUSES } from '../../../shared/connectors/modules.js';
import { snowflakeModule } from '../../../shared/connectors/snowflake/module.js';
import type { WarehouseModule } from '../../../shared/connectors/warehouse-module.js';
import { fixtureCatalog } from './fixture-catalog.js';
import { MemoryConnector } from './memory-connector.js';

/**
 * The in-memory warehouse as a module, for tests only: CONNECTOR_KIND=memory, Snowflake's resource types, profile and
 * settings (the seed's CONNECTOR_SNOWFLAKE_ flags decide its entry points), none of them required, and a fresh
 * fixture catalog per connector. A deployment never knows it; a test serves it through `loadConfig(env, [...])`,
 * `serveWarehouses` or the local host's `warehouses`.
 */
export const memoryModule: WarehouseModule = {
  ...snowflakeModule,
  kind: 'memory',
  problems: () => [],
  connect: async () => new MemoryConnector(fixtureCatalog()),
};

/** The real warehouses and the memory one: what a test's configuration accepts (`loadConfig(env, WITH_MEMORY)`). */
export const WITH_MEMORY: readonly WarehouseModule[] = [...WAREHOUSES, memoryModule];

/** The memory warehouse for a test's local host: the Snowflake demo policies, no emulator. */
export const memoryLocal: LocalWarehouse = {
  module: memoryModule,
  policies: fileURLToPath(new URL('../../../dev/demo/policies.json', import.meta.url)),
};

/** The script that runs the local host serving the memory warehouse besides the real ones (see start.ts). */
export const MEMORY_HOST_ENTRY = 'test/support/memory/start.ts';
