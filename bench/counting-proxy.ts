import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A plain HTTP proxy in front of one storage endpoint that counts the requests storage receives and the entity
 * operations they carry: one for a plain request, one per part of an entity-group transaction (`$batch`).
 */
export interface CountingProxy {
  port: number;
  requests(): number;
  operations(): number;
  stop(): Promise<void>;
}

// Each operation of a transaction is a part of its own with this content type (the Table service's batch format).
const PART = /Content-Type: application\/http/gi;

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  let seen = 0;
  let operations = 0;
  const server: Server = createServer((req, res) => {
    seen++;
    if (req.url?.includes('$batch')) {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('latin1');
      });
      req.on('end', () => {
        operations += body.match(PART)?.length ?? 1;
      });
    } else operations++;
    const upstream = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => seen,
    operations: () => operations,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `connectionString` with its table and queue endpoints sent through the given proxies. */
export function throughProxies(connectionString: string, table: CountingProxy, queue: CountingProxy): string {
  return connectionString
    .replace(/TableEndpoint=http:\/\/[^/]+\//, `TableEndpoint=http://127.0.0.1:${table.port}/`)
    .replace(/QueueEndpoint=http:\/\/[^/]+\//, `QueueEndpoint=http://127.0.0.1:${queue.port}/`);
}

/** The origin of a connection string's `Table` or `Queue` endpoint. */
export const endpointOf = (connectionString: string, name: 'Table' | 'Queue'): string =>
  new URL(new RegExp(`${name}Endpoint=([^;]+)`).exec(connectionString)?.[1] ?? '').origin;
