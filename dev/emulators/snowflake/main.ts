import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSnowflakeEmulator } from './emulator.js';

/** `tsx dev/emulators/snowflake/main.ts [--port 0] [--catalog file.json]`: runs the emulator until Ctrl-C. */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.SNOWFLAKE_EMULATOR_PORT ?? '0' },
    catalog: { type: 'string', default: fileURLToPath(new URL('./demo-catalog.json', import.meta.url)) },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got ${values.port}`);
  process.exit(2);
}

const emulator = await startSnowflakeEmulator({ catalog: values.catalog, port }).catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
console.log(`Snowflake emulator listening on ${emulator.url}`);
console.log(`  catalog: ${values.catalog}`);
console.log(
  `  connect: snowflake.createConnection({ account: 'emu', username: 'POLICYSYNC', password: 'emulator', accessUrl: '${emulator.url}' })`,
);
console.log(`  control: curl ${emulator.url}/__emulator/statements`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void emulator.stop().then(() => process.exit(0));
  });
}
