import { mintToken } from '../../shared/auth/index.js';
import { ConfigError } from '../../shared/config.js';
import type { WarehouseModule } from '../../shared/connectors/warehouse-module.js';
import type { LocalWarehouse } from '../warehouses/local-warehouse.js';
import { startLocalHost } from './local-host.js';

/** The table the printed curl line syncs: the warehouse's own example, as request values. */
function exampleTable(warehouse: WarehouseModule): Record<string, string> {
  const parts = (warehouse.names.examples.table ?? '').split('.');
  return Object.fromEntries((warehouse.resourceTypes.table ?? []).map((key, i) => [key, parts[i] ?? '']));
}

/**
 * `npm start`: the service on its embedded defaults, with everything a newcomer needs printed to try it, until
 * Ctrl-C. `warehouses`: besides the real ones (a test's in-memory fixture). `--quiet` drops the JSON log lines.
 */
export async function runLocalHost(warehouses: readonly LocalWarehouse[] = []): Promise<void> {
  const quiet = process.argv.includes('--quiet');
  try {
    await serve(quiet, warehouses);
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
    process.exit(1);
  }
}

async function serve(quiet: boolean, warehouses: readonly LocalWarehouse[]): Promise<void> {
  const host = await startLocalHost({ ...(quiet ? { log: () => undefined } : {}), warehouses });
  const token = host.env.JWT_SECRET
    ? await mintToken({
        secret: host.env.JWT_SECRET,
        subject: 'local-dev',
        ttlSeconds: 8 * 3600,
        ...(host.env.JWT_ISSUER ? { issuer: host.env.JWT_ISSUER } : {}),
        ...(host.env.JWT_AUDIENCE ? { audience: host.env.JWT_AUDIENCE } : {}),
      })
    : '(configure JWT_SECRET to get a development token here)';
  const body = JSON.stringify({
    type: 'RESOURCE_SYNC',
    requestInfo: { resources: [{ type: 'table', values: exampleTable(host.warehouse) }] },
  });
  process.stderr.write(
    [
      '',
      `policysync is running (${host.env.CONNECTOR_KIND}, instance ${host.env.CONNECTOR_INSTANCE})`,
      `  API:    ${host.apiUrl}/task   (GET ${host.apiUrl}/tasks/{taskId})`,
      `  health: ${host.apiUrl}/health`,
      ...(host.emulatorUrl
        ? [
            `  warehouse emulator (demo catalog): ${host.emulatorUrl}   statement log: ${host.emulatorUrl}/__emulator/statements`,
          ]
        : []),
      `  token:  ${token}`,
      '',
      'Try it:',
      `  curl -s -X POST ${host.apiUrl}/task -H "Authorization: Bearer ${token}" -H 'Content-Type: application/json' -d '${body}'`,
      `  curl -s ${host.apiUrl}/tasks/<taskId> -H "Authorization: Bearer ${token}"`,
      '',
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('stopping...\n');
    await host.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
