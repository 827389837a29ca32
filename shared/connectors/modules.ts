import { appSubTypeKey } from '../task/resource-types.js';
import { databricksModule } from './databricks/module.js';
import { snowflakeModule } from './snowflake/module.js';
import type { WarehouseModule } from './warehouse-module.js';

/** The warehouses a deployment can sync, one module each: CONNECTOR_KIND picks one of them at start-up. */
export const WAREHOUSES = [snowflakeModule, databricksModule] as const;

/** The warehouse `warehouses` knows by this CONNECTOR_KIND, if any. */
export const warehouseOfKind = (
  kind: string,
  warehouses: readonly WarehouseModule[] = WAREHOUSES,
): WarehouseModule | undefined => warehouses.find((w) => w.kind === kind);

/** The warehouse an `appSubType` (or `appType`) names, in any of the seed's spellings. */
export const warehouseNamed = (
  written: string,
  warehouses: readonly WarehouseModule[] = WAREHOUSES,
): WarehouseModule | undefined => warehouses.find((w) => w.appSubTypes.includes(appSubTypeKey(written)));
