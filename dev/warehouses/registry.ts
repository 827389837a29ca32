import { databricksLocal } from './databricks.js';
import type { LocalWarehouse } from './local-warehouse.js';
import { snowflakeLocal } from './snowflake.js';

/** The warehouses `npm start` can run with its demo, one per module in shared/connectors/modules.ts. */
export const LOCAL_WAREHOUSES: readonly LocalWarehouse[] = [snowflakeLocal, databricksLocal];
