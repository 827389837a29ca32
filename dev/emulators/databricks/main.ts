import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_OAUTH_CLIENT, DEFAULT_TOKEN, startDatabricksEmulator } from './server.js';

// `tsx dev/emulators/databricks/main.ts [--port 0] [--catalog f.json] [--token t]`: runs the emulator alone.
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    catalog: { type: 'string', default: fileURLToPath(new URL('./demo-catalog.json', import.meta.url)) },
    token: { type: 'string', default: DEFAULT_TOKEN },
  },
});

const emulator = await startDatabricksEmulator({
  catalog: values.catalog,
  port: Number(values.port),
  token: values.token,
}).catch((error: unknown) => {
  console.error(`Databricks emulator did not start: ${(error as Error).message}`);
  process.exit(1);
});
const caFile = join(tmpdir(), `databricks-emulator-${emulator.port}.pem`);
await writeFile(caFile, emulator.caCert);
const base = `https://${emulator.host}:${emulator.port}`;
console.log(
  [
    `Databricks SQL emulator (catalog ${values.catalog})`,
    `  host:   ${emulator.host}`,
    `  port:   ${emulator.port}`,
    `  path:   ${emulator.path}`,
    `  token:  ${emulator.token}`,
    `  CA:     ${caFile}   (driver: customCaCert, or NODE_EXTRA_CA_CERTS=${caFile})`,
    `  env:    DATABRICKS_HOST=${emulator.host}:${emulator.port} DATABRICKS_HTTP_PATH=${emulator.path} DATABRICKS_TOKEN=${emulator.token}`,
    `  oauth:  client id ${DEFAULT_OAUTH_CLIENT.clientId} secret ${DEFAULT_OAUTH_CLIENT.clientSecret} -> ${base}/oidc/v1/token`,
    `  control: curl --cacert ${caFile} ${base}/__emulator/statements`,
  ].join('\n'),
);

const shutdown = () => {
  void Promise.allSettled([emulator.stop(), rm(caFile, { force: true })]).then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
