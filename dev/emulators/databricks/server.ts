import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { CONTROL_PREFIX, type ControlHooks, type ControlResponse, controlResponse } from '../control/control-routes.js';
import { ControlState, type EmulatorControl } from '../control/control-state.js';
import { Metastore } from './metastore.js';
import { DEFAULT_OAUTH_CLIENT, type OAuthClient, OAuthTokens } from './oauth-tokens.js';
import { OIDC_PREFIX, serveOidc } from './oidc-routes.js';
import { MODELS_ROUTE, serveModels } from './rest-models.js';
import { type DatabricksCatalog, loadSeed } from './seed.js';
import { createThriftHandler } from './thrift-handler.js';
import { TCLIService, thrift } from './thrift-runtime.js';
import { type CertificateMaker, selfSignedCertificate } from './tls.js';

export type { EmulatorControl, InjectedError, StatementLogEntry, StatementMatch } from '../control/control-state.js';
export { Metastore } from './metastore.js';
export { DEFAULT_OAUTH_CLIENT, type OAuthClient, type TokenRequestEntry } from './oauth-tokens.js';
export type { DatabricksCatalog } from './seed.js';

export interface DatabricksEmulatorOptions {
  catalog: DatabricksCatalog | string;
  port?: number;
  /** Personal access token the emulator accepts as `Authorization: Bearer <token>`. */
  token?: string;
  /** Who the sessions run as (current_user(), grantor of new grants). */
  user?: string;
  /**
   * Metastore admins, users or groups (default: `user`). Anyone else sees and manages only what its ownerships and
   * privileges allow (access.ts): start the emulator as a service principal that is not an admin to run as the
   * README sets policysync up.
   */
  metastoreAdmins?: string[];
  /** More personal access tokens, each for its own user: a test reads as two users through column masks and row filters. */
  readers?: { token: string; user: string }[];
  /**
   * Service principals that may log in with OAuth machine-to-machine (client id + secret at `/oidc/v1/token`);
   * their access tokens are then accepted as Bearer tokens. Default: DEFAULT_OAUTH_CLIENT; `[]` turns OAuth off.
   */
  oauthClients?: OAuthClient[];
  /** Lifetime of the OAuth access tokens, in seconds (default 3600, as Databricks'). */
  oauthTokenSeconds?: number;
  /** How the TLS certificate is made; openssl falls back to node:crypto where the CLI is missing. */
  certificate?: CertificateMaker;
}

export interface DatabricksEmulator {
  host: string;
  port: number;
  /** The warehouse HTTP path the driver connects to. */
  path: string;
  token: string;
  /** PEM of the self-signed certificate; pass it as the driver's `customCaCert` (or via NODE_EXTRA_CA_CERTS). */
  caCert: string;
  /** The in-memory Unity Catalog, to assert on grants directly. */
  metastore: Metastore;
  control: EmulatorControl;
  /** The OAuth clients, every token request and how often each issued token was let in. */
  oauth: Pick<OAuthTokens, 'clients' | 'tokenRequests' | 'callsWith' | 'advanceClock'>;
  /**
   * Databricks-specific: forgets every Thrift session (next call: "Invalid SessionHandle"), to test that a
   * connector opens a new one. Also POST /__emulator/end-sessions.
   */
  endSessions(): void;
  stop(): Promise<void>;
}

export const DEFAULT_TOKEN = 'dapi-emulator';
export const WAREHOUSE_PATH = '/sql/1.0/warehouses/emulator';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The control API's answer; a body that is not JSON is a problem too. */
async function serveControl(
  control: EmulatorControl,
  hooks: ControlHooks,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const route = new URL(req.url ?? '/', 'https://emulator').pathname.slice(CONTROL_PREFIX.length);
  const text = (await readBody(req)).toString('utf8');
  let answer: ControlResponse;
  try {
    const body: unknown = text ? JSON.parse(text) : undefined;
    answer = controlResponse(control, hooks, req.method ?? 'GET', route, body);
  } catch {
    answer = {
      status: 400,
      body: { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'the body is not JSON' },
    };
  }
  res.writeHead(answer.status, {
    'Content-Type': answer.status === 200 ? 'application/json' : 'application/problem+json',
  });
  res.end(JSON.stringify(answer.body));
}

/** One Thrift call: the whole HTTP body is one TBinaryProtocol message; the reply goes out when the handler's
 *  promise settles and the Processor flushes. */
function serveThrift(
  processor: { process(input: unknown, output: unknown): void },
  body: Buffer,
  res: ServerResponse,
): void {
  thrift.TBufferedTransport.receiver((transport) => {
    const input = new thrift.TBinaryProtocol(transport);
    const output = new thrift.TBinaryProtocol(
      new thrift.TBufferedTransport(undefined, (reply: Buffer) => {
        res.writeHead(200, { 'Content-Type': 'application/x-thrift', 'Content-Length': reply.length });
        res.end(reply);
      }),
    );
    try {
      processor.process(input, output);
      transport.commitPosition();
    } catch (error) {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end(`malformed Thrift request: ${(error as Error).message}`);
    }
  })(body);
}

/**
 * Starts a Databricks SQL warehouse stand-in on 127.0.0.1: TCLIService over HTTPS at `path`, the control API
 * under `/__emulator/` on the same server. The unmodified @databricks/sql driver connects to it.
 */
export async function startDatabricksEmulator(opts: DatabricksEmulatorOptions): Promise<DatabricksEmulator> {
  const token = opts.token ?? DEFAULT_TOKEN;
  const user = opts.user ?? 'admin@example.com';
  const metastore = new Metastore(await loadSeed(opts.catalog), user, opts.metastoreAdmins ?? [user]);
  const control = new ControlState((fqn) => () => {
    metastore.drop(fqn);
  });
  const handler = createThriftHandler({ metastore, control, user });
  const processor = new TCLIService.Processor(handler.methods);
  const hooks = {
    grants: () => metastore.allGrants().map((g) => ({ ...g, name: g.path.join('.') })),
    endSessions: () => handler.endSessions(),
  };
  const oauth = new OAuthTokens(opts.oauthClients ?? [DEFAULT_OAUTH_CLIENT], opts.oauthTokenSeconds);
  /** Whose session a request opens: the personal access token's user, a reader's, or an OAuth client's. */
  const userOf = async (req: IncomingMessage): Promise<string | undefined> => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined) return undefined;
    if (bearer === token) return user;
    return opts.readers?.find((r) => r.token === bearer)?.user ?? (await oauth.userOf(bearer));
  };
  const { cert, key } = await selfSignedCertificate(opts.certificate);

  const server: Server = createServer({ cert, key }, (req, res) => {
    void (async () => {
      const pathname = new URL(req.url ?? '/', 'https://emulator').pathname;
      if (pathname.startsWith(CONTROL_PREFIX)) return serveControl(control, hooks, req, res);
      const body = await readBody(req);
      // The workspace's OAuth endpoints take no Bearer token: they are where a client gets one.
      if (pathname.startsWith(OIDC_PREFIX)) return serveOidc(oauth, req, body, res);
      if (control.latencyMs > 0) await delay(control.latencyMs);
      const requestUser = await userOf(req);
      if (control.loginsRefused || requestUser === undefined) {
        res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer' });
        return res.end('Unauthorized: invalid or missing access token');
      }
      if (pathname === MODELS_ROUTE && req.method === 'GET') {
        control.countRoundTrip();
        return serveModels(metastore, requestUser, new URL(req.url ?? '/', 'https://emulator'), res);
      }
      if (pathname !== WAREHOUSE_PATH) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end(`no SQL warehouse at ${pathname}`);
      }
      if (req.method !== 'POST') {
        res.writeHead(405, { Allow: 'POST' });
        return res.end();
      }
      // The Processor runs OpenSession synchronously from here: the session takes this request's user.
      handler.requestUser = requestUser;
      serveThrift(processor, body, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`emulator failure: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    path: WAREHOUSE_PATH,
    token,
    caCert: cert,
    metastore,
    control,
    oauth,
    endSessions: hooks.endSessions,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
