import { DBSQLClient } from '@databricks/sql';
import pLimit, { type LimitFunction } from 'p-limit';
import { countRoundTrip, inStatementSpan } from '../../telemetry/statement-telemetry.js';
import { ConnectorError } from '../errors.js';
import { DATABRICKS_DRIVER_RETRY, type Failure, transientOnly, withStatementRetry } from '../retry-policy.js';

/**
 * How to reach one Databricks SQL warehouse. `host` is the workspace host (`adb-123.4.azuredatabricks.net`,
 * with or without `https://`, optionally `:port`); `path` the warehouse HTTP path (`/sql/1.0/warehouses/<id>`).
 * Authentication: a personal access token, or OAuth machine-to-machine with a service principal's client id and
 * Databricks-managed secret. `caCert` (PEM) is trusted on top of the public roots: private link, local emulator.
 */
export interface DatabricksSettings {
  host: string;
  path: string;
  port?: number;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  caCert?: string;
  /** Statements in flight at once; a workspace caps concurrent requests at about 20. Default 8. */
  maxConcurrency?: number;
}

/** A result row by column name in lower case: see `lowerCaseColumns`. */
export type Row = Record<string, unknown>;

/**
 * Result columns are read by lower-case name, whatever case the warehouse answers in: a SQL warehouse names SHOW
 * GRANTS columns `Principal, ActionType, ObjectType, ObjectKey`, the SQL reference prints them in camel case,
 * some runtimes answer in lower case, and information_schema columns are lower case already.
 */
export function lowerCaseColumns(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));
}
type Session = Awaited<ReturnType<DBSQLClient['openSession']>>;
type ConnectOptions = Parameters<DBSQLClient['connect']>[0];

/** Databricks' `db.system.name` in telemetry. */
export const SYSTEM = 'databricks';
const DEFAULT_CONCURRENCY = 8;
// The driver's own logger installs winston handlers for uncaught exceptions; errors reach us as values.
const silent = { log: () => undefined };

// Not-found error classes: the object was never there or vanished mid-sync (the pipeline converges on these).
const NOT_FOUND = new Set([
  'TABLE_OR_VIEW_NOT_FOUND',
  'SCHEMA_NOT_FOUND',
  'NO_SUCH_CATALOG_EXCEPTION',
  'CATALOG_NOT_FOUND',
  'ROUTINE_NOT_FOUND',
  'VOLUME_NOT_FOUND',
]);
const NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ESOCKETTIMEDOUT',
  'UND_ERR_SOCKET',
]);
const TRANSIENT_HTTP = new Set([408, 429, 500, 502, 503, 504]);
// The warehouse forgot our session (idle timeout, restart): open a new one and repeat the statement.
const SESSION_ENDED = /Invalid SessionHandle|SESSION_(NOT_FOUND|EXPIRED|CLOSED)|Invalid OperationHandle/i;

interface Connection {
  client: DBSQLClient;
  session: Session;
}

/**
 * One DBSQLClient and one Thrift session per worker instance, opened on first use and reopened when the
 * warehouse ends the session or the connection drops. At most `maxConcurrency` statements are in flight at once.
 */
export class DatabricksSession {
  private connection: Promise<Connection> | undefined;
  private readonly limit: LimitFunction;

  constructor(private readonly settings: DatabricksSettings) {
    this.limit = pLimit(settings.maxConcurrency ?? DEFAULT_CONCURRENCY);
  }

  /**
   * Runs one statement under the retry policy (retry-policy.ts); `:name` markers bind `namedParameters` (values
   * never enter the SQL text). A statement holds its concurrency slot while it runs, not while it waits to retry.
   */
  query(sql: string, namedParameters?: Record<string, string>): Promise<Row[]> {
    return inStatementSpan(SYSTEM, sql, () =>
      withStatementRetry(
        () =>
          this.limit(async () => {
            const connection = this.connect();
            try {
              return await this.run(await connection, sql, namedParameters);
            } catch (err) {
              // GRANT and REVOKE are idempotent in Unity Catalog (a held grant or a missing one is a no-op), so a
              // statement whose answer was lost can be repeated on a new connection.
              if (isSessionEnded(err) || isNetworkError(err)) this.discard(connection);
              throw err;
            }
          }),
        (err) => judge(err, sql),
      ),
    );
  }

  async close(): Promise<void> {
    const current = this.connection;
    this.connection = undefined;
    const c = await current?.catch(() => undefined);
    if (!c) return;
    await c.session.close().catch(() => undefined);
    await c.client.close().catch(() => undefined);
  }

  private async run({ session }: Connection, sql: string, namedParameters?: Record<string, string>): Promise<Row[]> {
    countRoundTrip(SYSTEM);
    const op = await session.executeStatement(sql, { runAsync: true, ...(namedParameters ? { namedParameters } : {}) });
    try {
      return ((await op.fetchAll()) as Row[]).map(lowerCaseColumns);
    } finally {
      await op.close().catch(() => undefined);
    }
  }

  /** Forgets a broken connection, once: concurrent failures on the same one open a single replacement. */
  private discard(broken: Promise<Connection>): void {
    if (this.connection !== broken) return;
    this.connection = undefined;
    void broken.then(
      async (c) => {
        await c.session.close().catch(() => undefined);
        await c.client.close().catch(() => undefined);
      },
      () => undefined,
    );
  }

  private connect(): Promise<Connection> {
    this.connection ??= this.open().catch((err: unknown) => {
      this.connection = undefined;
      throw classify(err, '(open session)');
    });
    return this.connection;
  }

  private async open(): Promise<Connection> {
    const client = new DBSQLClient({ logger: silent });
    try {
      await client.connect(connectOptions(this.settings));
      return { client, session: await client.openSession() };
    } catch (err) {
      await client.close().catch(() => undefined);
      if (OAUTH_HOST_REFUSED.test(asDriverError(err).message ?? '')) {
        throw new ConnectorError(
          'CONFIG',
          `Databricks OAuth machine-to-machine needs a workspace host (${OAUTH_DOMAINS}): ` +
            `@databricks/sql does not run it for ${hostOf(this.settings.host).host}; use DATABRICKS_TOKEN there`,
        );
      }
      if (httpStatusOf(err) === 401 || httpStatusOf(err) === 403 || isAuthError(err)) {
        throw new ConnectorError(
          'AUTH',
          `Databricks refused the credentials for ${hostOf(this.settings.host).host}: check ${
            this.settings.token ? 'DATABRICKS_TOKEN' : 'DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET'
          }`,
          { warehouseCode: String(httpStatusOf(err) ?? 'AUTH') },
        );
      }
      throw err;
    }
  }
}

/** `https://adb-1.2.azuredatabricks.net:443/` -> host and port as the driver takes them. */
export function hostOf(raw: string, port?: number): { host: string; port: number } {
  const bare = raw
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/.*$/, '');
  const m = /^(.*?)(?::(\d+))?$/.exec(bare)!;
  return { host: m[1]!, port: port ?? (m[2] ? Number(m[2]) : 443) };
}

export function connectOptions(s: DatabricksSettings): ConnectOptions {
  const { host, port } = hostOf(s.host, s.port);
  const base = {
    host,
    port,
    path: s.path.startsWith('/') ? s.path : `/${s.path}`,
    telemetryEnabled: false,
    // The driver retries HTTP requests itself; kept short, and counted in, by the retry policy.
    ...DATABRICKS_DRIVER_RETRY,
    ...(s.caCert ? { customCaCert: s.caCert } : {}),
  };
  if (s.token) return { ...base, token: s.token };
  if (s.clientId && s.clientSecret) {
    // A secret makes it the M2M flow; on Azure hosts the Databricks-managed secret needs Databricks' own OIDC
    // endpoint, not Entra ID.
    return {
      ...base,
      authType: 'databricks-oauth',
      oauthClientId: s.clientId,
      oauthClientSecret: s.clientSecret,
      useDatabricksOAuthInAzure: true,
    };
  }
  throw new ConnectorError(
    'CONFIG',
    'Databricks needs DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID with DATABRICKS_CLIENT_SECRET',
  );
}

interface DriverError {
  message?: string;
  code?: unknown;
  statusCode?: unknown;
  errorCode?: unknown;
  name?: string;
  response?: {
    displayMessage?: string | null;
    errorMessage?: string | null;
    sqlState?: string | null;
    status?: unknown;
  };
  payload?: unknown;
  cause?: unknown;
  /** openid-client's OPError: the OAuth error code the token endpoint answered. */
  error?: unknown;
}

const asDriverError = (err: unknown): DriverError =>
  typeof err === 'object' && err !== null ? (err as DriverError) : { message: String(err) };

function httpStatusOf(err: unknown): number | undefined {
  const e = asDriverError(err);
  if (typeof e.statusCode === 'number') return e.statusCode;
  // openid-client keeps the token endpoint's HTTP answer on its OPError.
  const oauthStatus =
    e.name === 'OPError' ? (e.response as { statusCode?: unknown } | undefined)?.statusCode : undefined;
  if (typeof oauthStatus === 'number') return oauthStatus;
  const m = /bad HTTP status code: (\d{3})/.exec(e.message ?? '');
  return m ? Number(m[1]) : undefined;
}

// The driver's OAuth refuses, before sending anything, a host outside the Databricks domains it knows (with
// useDatabricksOAuthInAzure: *.databricks.azure.us too): a configuration problem, not refused credentials.
const OAUTH_HOST_REFUSED = /^OAuth is not supported for /;
const OAUTH_DOMAINS = '*.azuredatabricks.net, *.databricks.azure.cn, *.cloud.databricks.com, *.gcp.databricks.com';
// What a workspace's token endpoint answers to a wrong client id or secret (openid-client throws an OPError).
const OAUTH_CLIENT_REFUSED = new Set(['invalid_client', 'unauthorized_client']);

function isAuthError(err: unknown): boolean {
  const e = asDriverError(err);
  return (
    e.constructor?.name === 'AuthenticationError' || (e.name === 'OPError' && OAUTH_CLIENT_REFUSED.has(String(e.error)))
  );
}

function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = asDriverError(e).cause, depth++) {
    const code = asDriverError(e).code;
    if (typeof code === 'string' && NETWORK.has(code)) return true;
    if (/socket hang up|ECONNRESET|network socket disconnected/i.test(asDriverError(e).message ?? '')) return true;
  }
  return false;
}

const isSessionEnded = (err: unknown) => SESSION_ENDED.test(asDriverError(err).message ?? '');

/** A session the warehouse forgot is reopened and the statement sent again at once; transient failures wait first. */
const judge = (err: unknown, sql: string): Failure =>
  isSessionEnded(err) ? { error: classify(err, sql), retry: 'at-once' } : transientOnly(classify(err, sql));

/** `[TABLE_OR_VIEW_NOT_FOUND] The table ... SQLSTATE: 42P01` -> `TABLE_OR_VIEW_NOT_FOUND`. */
export const errorClassOf = (message: string) => /^\s*\[([A-Z0-9_.]+)\]/.exec(message)?.[1];

/** A driver failure as the pipeline needs it: not found, auth, transient (retry), or a failed statement. */
export function classify(err: unknown, sql: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = asDriverError(err);
  const message = e.response?.displayMessage || e.message || String(err);
  const errorClass = errorClassOf(message);
  const detail = { sql, ...(errorClass ? { warehouseCode: errorClass } : {}) };
  const status = httpStatusOf(err);
  if (errorClass && NOT_FOUND.has(errorClass.split('.')[0]!)) return new ConnectorError('NOT_FOUND', message, detail);
  if (status === 401 || status === 403 || isAuthError(err)) {
    return new ConnectorError('AUTH', `Databricks refused the credentials (HTTP ${status ?? 'auth'})`, {
      sql,
      warehouseCode: String(status ?? 'AUTH'),
    });
  }
  if (
    (status !== undefined && TRANSIENT_HTTP.has(status)) ||
    isNetworkError(err) ||
    isSessionEnded(err) ||
    e.constructor?.name === 'RetryError' ||
    e.errorCode === 'TIMEOUT' ||
    e.errorCode === 'CANCELED'
  ) {
    return new ConnectorError('TRANSIENT', `Databricks is unreachable or slow: ${message}`, {
      sql,
      warehouseCode: String(status ?? e.errorCode ?? e.code ?? 'NETWORK'),
    });
  }
  return new ConnectorError('STATEMENT_FAILED', message, detail);
}
