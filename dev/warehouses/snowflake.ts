import { fileURLToPath } from 'node:url';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import type { LocalWarehouse } from './local-warehouse.js';

export const snowflakeLocal: LocalWarehouse = {
  module: snowflakeModule,
  policies: fileURLToPath(new URL('../demo/policies.json', import.meta.url)),
  principals: fileURLToPath(new URL('../demo/principals.json', import.meta.url)),
  emulator: async (env) => {
    if (env.SNOWFLAKE_ACCOUNT) return undefined;
    const { DEFAULT_USERS, startSnowflakeEmulator } = await import('../emulators/snowflake/index.js');
    const emulator = await startSnowflakeEmulator({
      catalog: fileURLToPath(new URL('../emulators/snowflake/demo-catalog.json', import.meta.url)),
    });
    return {
      url: emulator.url,
      stop: () => emulator.stop(),
      settings: {
        SNOWFLAKE_ACCOUNT: 'emulator',
        SNOWFLAKE_USERNAME: DEFAULT_USERS[0]!.name,
        SNOWFLAKE_PASSWORD: DEFAULT_USERS[0]!.password,
        SNOWFLAKE_ACCESS_URL: emulator.url,
        SNOWFLAKE_WAREHOUSE: 'COMPUTE_WH',
      },
    };
  },
};
