import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Ranger Admin's plugin download endpoints (tests and benches), answering as ServiceREST does: the secure one
 * (/service/plugins/secure/policies/download/{service}) only to the configured basic-auth user, the plain one to
 * anybody; 404 for another service; 304 Not Modified when `lastKnownVersion` is the current policyVersion.
 */
export class RangerAdminStandIn {
  version: number;
  policies: unknown[];
  requests: { url: string; authorization?: string }[] = [];
  private server?: Server;

  constructor(
    readonly serviceName: string,
    initial: { version: number; policies: unknown[] },
    readonly credentials = { username: 'admin', password: 's3cret' },
  ) {
    this.version = initial.version;
    this.policies = initial.policies;
  }

  /** A new policy set, as an edit in Ranger Admin makes one: the service's policyVersion goes up by one. */
  publish(policies: unknown[]): void {
    this.policies = policies;
    this.version += 1;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** The query of the n-th download request. */
  query(n: number): URLSearchParams {
    return new URL(this.requests[n]!.url, 'http://x').searchParams;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    this.requests.push({
      url: req.url ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const url = new URL(req.url ?? '/', 'http://x');
    const match = /^\/service\/plugins\/(secure\/)?policies\/download\/([^/]+)$/.exec(url.pathname);
    if (!match) return void res.writeHead(404).end();
    const { username, password } = this.credentials;
    if (match[1] && req.headers.authorization !== `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`)
      return void res.writeHead(401).end();
    if (match[2] !== this.serviceName)
      return void res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"msgDesc":"Service not found"}');
    if (Number(url.searchParams.get('lastKnownVersion')) === this.version) return void res.writeHead(304).end();
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ serviceName: this.serviceName, policyVersion: this.version, policies: this.policies }));
  }
}
