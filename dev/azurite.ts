import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);

/** Azurite's published development account: a well-known value, not a secret. */
export const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The connection string of Azurite's development account on loopback ports. */
export const devConnectionString = (tablePort: number, queuePort: number) =>
  [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEV_ACCOUNT}`,
    `AccountKey=${DEV_KEY}`,
    `TableEndpoint=http://127.0.0.1:${tablePort}/${DEV_ACCOUNT}`,
    `QueueEndpoint=http://127.0.0.1:${queuePort}/${DEV_ACCOUNT}`,
  ].join(';') + ';';

export interface AzuriteHandle {
  connectionString: string;
  stop(): Promise<void>;
}

interface AzuriteServer {
  start(): Promise<void>;
  close(): Promise<void>;
  httpServer: { address(): AddressInfo };
}

/** Starts in-memory table and queue services on free loopback ports; about half a second. */
export async function startAzurite(): Promise<AzuriteHandle> {
  // Loaded on first start, so a process pointed at other storage never carries Azurite. Its package main is an
  // editor extension, so the table and queue servers come from dist/ directly.
  const TableServer = require('azurite/dist/src/table/TableServer').default;
  const TableConfiguration = require('azurite/dist/src/table/TableConfiguration').default;
  const QueueServer = require('azurite/dist/src/queue/QueueServer').default;
  const QueueConfiguration = require('azurite/dist/src/queue/QueueConfiguration').default;
  const host = '127.0.0.1';
  // Positional arguments mirror Azurite's own main.js: accessLog off, skipApiVersionCheck on (the current SDKs
  // send an API version 3.35 does not know yet), in-memory persistence.
  const table: AzuriteServer = new TableServer(
    new TableConfiguration(
      host,
      0,
      undefined,
      undefined,
      false,
      false,
      undefined,
      undefined,
      false,
      true,
      '',
      '',
      '',
      undefined,
      false,
      true,
    ),
  );
  const queue: AzuriteServer = new QueueServer(
    new QueueConfiguration(
      host,
      0,
      undefined,
      undefined,
      undefined,
      undefined,
      false,
      undefined,
      false,
      undefined,
      false,
      true,
      '',
      '',
      '',
      undefined,
      false,
      true,
    ),
  );
  await Promise.all([table.start(), queue.start()]);
  const tablePort = table.httpServer.address().port;
  const queuePort = queue.httpServer.address().port;
  return {
    connectionString: devConnectionString(tablePort, queuePort),
    stop: async () => {
      await Promise.all([table.close(), queue.close()]);
    },
  };
}
