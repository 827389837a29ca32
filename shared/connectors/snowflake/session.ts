import { readFile } from 'node:fs/promises';
import snowflake, { type Connection, type ConnectionOptions } from 'snowflake-sdk';
import { countRoundTrip, inStatementSpan } from '../../telemetry/statement-telemetry.js';
import { ConnectorError } from '../errors.js';
import { type Failure, SNOWFLAKE_DRIVER_RETRY, transientOnly, withStatementRetry } from '../retry-policy.js';

export interface SnowflakeSettings {
  account: string;
  username: string;
  password?: string;
  privateKey?: string;
  privateKeyPath?: string;
  role?: string;
  warehouse?: string;
  accessUrl?: string;
}

type Row = Record<string, unknown>;

/** Snowflake's `db.system.name` in telemetry. */
export const SYSTEM = 'snowflake';

// Session gone or token expired: log in again and repeat the statement. The driver reports a session the server
// ended as its own 407002 (disconnected), not the server's 3901xx.
const SESSION_ENDED = new Set(['407002', '390111', '390112', '390114', '390113']);
const NOT_FOUND = new Set(['002003', '002043']);
const AUTH = new Set(['390100', '390101', '390102', '390144', '390186']);
// Network failures and driver-side transport errors, plus Snowflake's "statement timed out" / "canceled".
const TRANSIENT = new Set([
  '401001',
  '401002',
  '401003',
  '402001',
  '402002',
  '000604',
  '000630',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
]);

// The driver's own logger writes snowflake.log into the working directory (read-only on Flex Consumption);
// its errors reach us as values and are logged through the invocation context, so it stays silent.
const discard = () => undefined;
snowflake.configure({
  logLevel: 'OFF',
  customLogger: { error: discard, warn: discard, info: discard, debug: discard, trace: discard },
});

/** One long-lived connection per worker instance, re-established when Snowflake ends it. */
export class SnowflakeSession {
  private connection: Promise<Connection> | undefined;

  constructor(private readonly settings: SnowflakeSettings) {}

  /** Runs one statement under the retry policy (retry-policy.ts); `binds` fill its `?` markers. */
  query(sqlText: string, binds: (string | number)[] = []): Promise<Row[]> {
    return inStatementSpan(SYSTEM, sqlText, () =>
      withStatementRetry(
        () => this.run(sqlText, binds),
        (err) => this.judge(err, sqlText),
      ),
    );
  }

  private judge(err: unknown, sql: string): Failure {
    if (!SESSION_ENDED.has(codeOf(err))) return transientOnly(classify(err, sql));
    this.connection = undefined;
    return { error: classify(err, sql), retry: 'at-once' };
  }

  async close(): Promise<void> {
    const c = await this.connection?.catch(() => undefined);
    this.connection = undefined;
    if (c?.isUp()) await new Promise<void>((resolve) => c.destroy(() => resolve()));
  }

  private async run(sqlText: string, binds: (string | number)[]): Promise<Row[]> {
    let conn = await this.connect();
    if (!conn.isUp()) {
      this.connection = undefined;
      conn = await this.connect();
    }
    countRoundTrip(SYSTEM);
    return new Promise((resolve, reject) => {
      conn.execute({
        sqlText,
        binds,
        complete: (err, _stmt, rows) => (err ? reject(err) : resolve((rows ?? []) as Row[])),
      });
    });
  }

  private connect(): Promise<Connection> {
    this.connection ??= this.open().catch((err: unknown) => {
      this.connection = undefined;
      throw AUTH.has(codeOf(err))
        ? new ConnectorError(
            'AUTH',
            `Snowflake refused the login of ${this.settings.username}: check SNOWFLAKE_USERNAME and its password or key`,
            { warehouseCode: codeOf(err) },
          )
        : classify(err, '(login)');
    });
    return this.connection;
  }

  private async open(): Promise<Connection> {
    const s = this.settings;
    const privateKey = s.privateKey ?? (s.privateKeyPath ? await readFile(s.privateKeyPath, 'utf8') : undefined);
    const options: ConnectionOptions = {
      account: s.account,
      username: s.username,
      application: 'policysync',
      clientSessionKeepAlive: true,
      ...SNOWFLAKE_DRIVER_RETRY,
      ...(privateKey ? { authenticator: 'SNOWFLAKE_JWT', privateKey } : { password: s.password ?? '' }),
      ...(s.role ? { role: s.role } : {}),
      ...(s.warehouse ? { warehouse: s.warehouse } : {}),
      ...(s.accessUrl ? { accessUrl: s.accessUrl } : {}),
    };
    // connect(callback), not connectAsync(): in snowflake-sdk 3.x the promise resolves even when the login is
    // refused, leaving a connection that is simply not up.
    const connection = snowflake.createConnection(options);
    return new Promise((resolve, reject) => {
      connection.connect((err, conn) =>
        err ? reject(err) : conn.isUp() ? resolve(conn) : reject(new Error('login did not establish a session')),
      );
    });
  }
}

const codeOf = (err: unknown): string => {
  const e = err as { code?: unknown } | undefined;
  return e?.code === undefined ? '' : String(e.code);
};

function classify(err: unknown, sql: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const code = codeOf(err);
  const message = (err as Error | undefined)?.message ?? String(err);
  if (NOT_FOUND.has(code)) return new ConnectorError('NOT_FOUND', message, { sql, warehouseCode: code });
  if (TRANSIENT.has(code))
    return new ConnectorError('TRANSIENT', `Snowflake is unreachable or slow (${code}): ${message}`, {
      sql,
      warehouseCode: code,
    });
  if (AUTH.has(code)) return new ConnectorError('AUTH', message, { sql, warehouseCode: code });
  return new ConnectorError('STATEMENT_FAILED', message, { sql, warehouseCode: code });
}
