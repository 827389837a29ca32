import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of a local service (Azurite, the Snowflake emulator) that can cut it off: while
 * `down`, every request's connection is destroyed (the client sees ECONNRESET, as when the service dies); a
 * shared budget lets n more requests through and then cuts the rest. It counts requests, so a test can cut a
 * multi-request operation at every step in turn.
 */
export interface FaultProxy {
  url: string;
  port: number;
  /** Requests seen since start. */
  requests(): number;
  /** `METHOD path?query` of every request seen since start, in order. */
  lines(): string[];
  /** The requests whose connection was destroyed. */
  refused(): number;
  down(on: boolean): void;
  /** Cut only requests whose `METHOD path?query` matches (one-shot per match when `times` is given). */
  failMatching(pattern: RegExp, times?: number): void;
  /** Answer the next `times` matching requests with `status` and a Table Storage error body, forwarding nothing. */
  answerMatching(pattern: RegExp, status: number, times?: number): void;
  /**
   * 'before' (default): a cut request never reaches the service. 'after': it reaches the service, which acts
   * on it, and then the connection is destroyed before the answer gets back (a lost acknowledgement).
   */
  setCutMode(mode: 'before' | 'after'): void;
  /** While on, requests are taken and never forwarded nor answered (a hung service); the client must give up. */
  hang(on: boolean): void;
  stop(): Promise<void>;
}

/** A request budget several proxies draw from, so one count spans Azurite's table and queue endpoints. */
export interface FaultBudget {
  left: number;
}

export async function startFaultProxy(target: string, shared?: FaultBudget): Promise<FaultProxy> {
  const to = new URL(target);
  let seen = 0,
    refused = 0,
    isDown = false,
    hung = false,
    mode: 'before' | 'after' = 'before';
  const lines: string[] = [];
  const own: FaultBudget = { left: Infinity };
  const budget = shared ?? own;
  let matcher: { pattern: RegExp; times: number } | undefined;
  let answerer: { pattern: RegExp; status: number; times: number } | undefined;
  const cut = (req: IncomingMessage, forwardFirst = false) => {
    refused++;
    if (forwardFirst && mode === 'after') return forward(req, true);
    req.socket.destroy();
  };
  const forward = (req: IncomingMessage, dropAnswer = false, res?: import('node:http').ServerResponse) => {
    const upstream = httpRequest(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        if (dropAnswer || !res) {
          up.resume();
          up.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  };
  const server: Server = createServer((req, res) => {
    seen++;
    const line = `${req.method} ${req.url}`;
    lines.push(line);
    if (matcher && matcher.times > 0 && matcher.pattern.test(line)) {
      matcher.times--;
      return cut(req, true);
    }
    if (answerer && answerer.times > 0 && answerer.pattern.test(line)) {
      answerer.times--;
      req.resume();
      const body = JSON.stringify({
        'odata.error': { code: 'InvalidInput', message: { lang: 'en-US', value: 'refused by the fault proxy' } },
      });
      return res.writeHead(answerer.status, { 'content-type': 'application/json;odata=minimalmetadata' }).end(body);
    }
    if (isDown) return cut(req);
    if (hung) return;
    if (budget.left !== Infinity) {
      if (budget.left <= 0) {
        // The first cut request may reach the service (cut mode 'after'); everything after it is refused.
        const first = budget.left === 0;
        budget.left = -1;
        return cut(req, first);
      }
      budget.left--;
    }
    forward(req, false, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => seen,
    lines: () => [...lines],
    refused: () => refused,
    down: (on) => {
      isDown = on;
      if (!on) budget.left = Infinity;
    },
    setCutMode: (m) => {
      mode = m;
    },
    failMatching: (pattern, times = Infinity) => {
      matcher = { pattern, times };
    },
    answerMatching: (pattern, status, times = 1) => {
      answerer = { pattern, status, times };
    },
    hang: (on) => {
      hung = on;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An Azurite connection string whose table and queue endpoints go through the given proxies. */
export function proxiedConnectionString(connectionString: string, table: FaultProxy, queue: FaultProxy): string {
  return connectionString
    .replace(/TableEndpoint=http:\/\/[^/]+\//, `TableEndpoint=http://127.0.0.1:${table.port}/`)
    .replace(/QueueEndpoint=http:\/\/[^/]+\//, `QueueEndpoint=http://127.0.0.1:${queue.port}/`);
}

export const endpointOf = (connectionString: string, name: 'Table' | 'Queue') =>
  new URL(
    /(?:Table|Queue)Endpoint=([^;]+)/.exec(
      connectionString.split(';').find((p) => p.startsWith(`${name}Endpoint=`)) ?? '',
    )?.[1] ?? '',
  ).origin;
