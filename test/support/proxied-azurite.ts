import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { endpointOf, type FaultProxy, proxiedConnectionString, startFaultProxy } from './fault-proxy.js';

/** Azurite behind a fault proxy for each of its table and queue endpoints, and the connection string through them. */
export interface ProxiedAzurite {
  azurite: AzuriteHandle;
  table: FaultProxy;
  queue: FaultProxy;
  connectionString: string;
  /** Stops the proxies, and Azurite too when this started it. */
  stop(): Promise<void>;
}

/** Proxies in front of `azurite` (the caller keeps it), or of an Azurite of their own. */
export async function startProxiedAzurite(azurite?: AzuriteHandle): Promise<ProxiedAzurite> {
  const own = azurite ?? (await startAzurite());
  const table = await startFaultProxy(endpointOf(own.connectionString, 'Table'));
  const queue = await startFaultProxy(endpointOf(own.connectionString, 'Queue'));
  return {
    azurite: own,
    table,
    queue,
    connectionString: proxiedConnectionString(own.connectionString, table, queue),
    stop: async () => {
      await table.stop();
      await queue.stop();
      if (!azurite) await own.stop();
    },
  };
}
