import { fileURLToPath } from 'node:url';
import { databricksModule } from '../../shared/connectors/databricks/module.js';
import type { LocalWarehouse } from './local-warehouse.js';

export const databricksLocal: LocalWarehouse = {
  module: databricksModule,
  policies: fileURLToPath(new URL('../demo/databricks-policies.json', import.meta.url)),
  emulator: async (env) => {
    if (env.DATABRICKS_HOST) return undefined;
    const { startDatabricksEmulator } = await import('../emulators/databricks/index.js');
    const emulator = await startDatabricksEmulator({
      catalog: fileURLToPath(new URL('../emulators/databricks/demo-catalog.json', import.meta.url)),
    });
    return {
      url: `https://${emulator.host}:${emulator.port}`,
      stop: () => emulator.stop(),
      settings: {
        DATABRICKS_HOST: `${emulator.host}:${emulator.port}`,
        DATABRICKS_HTTP_PATH: emulator.path,
        DATABRICKS_TOKEN: emulator.token,
        DATABRICKS_CA_CERT: emulator.caCert,
      },
    };
  },
};
