import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { CONTROL_PREFIX, controlResponse } from '../control/control-routes.js';
import type { ControlState } from '../control/control-state.js';
import type { Account } from './account.js';
import { parseStatement } from './parse.js';
import { errorBody, loginBody, multiStatementBody, resultBody } from './protocol.js';
import { type ResultSet, STATEMENT_TYPE } from './result-set.js';
import type { Session } from './session.js';
import { SnowflakeSqlError } from './sql-error.js';
import { type StatementSource, splitStatements } from './sql-lexer.js';
import type { Statement } from './statement.js';
import type { Bindings } from './statements/context.js';
import { executeStatement } from './statements/execute.js';

export interface EmulatorUser {
  name: string;
  password: string /** role a session starts with; default SYSADMIN */;
  role?: string;
}

const MAX_STORED_RESULTS = 10_000;

/**
 * The HTTP face snowflake-sdk talks to (PROTOCOLS.md): every answer is HTTP 200 JSON with `success`, because any
 * other status makes the driver retry for up to a minute or fail without a message. Control routes live under
 * /__emulator/ on the same port.
 */
export class SnowflakeServer {
  readonly http: Server;
  private readonly sessions = new Map<string, Session>(); // by session token
  private readonly masters = new Map<string, Session>(); // by master token
  private readonly results = new Map<string, unknown>(); // by query id, for GET /queries/<id>/result
  private nextSessionId = 1_000_001;

  constructor(
    private readonly account: Account,
    private readonly control: ControlState,
    private readonly users: EmulatorUser[],
  ) {
    this.http = createServer((req, res) => {
      this.route(req, res).catch((e: unknown) => {
        send(res, 200, errorBody('000603', `SQL execution internal error: ${(e as Error).message}`, 'XX000'));
      });
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname;
    const body = await readBody(req);
    if (body === INVALID) return send(res, 400, errorBody('000400', 'request body is not JSON'));

    if (path.startsWith(CONTROL_PREFIX)) {
      const hooks = { grants: () => this.account.grants(), endSessions: () => this.endSessions() };
      const answer = controlResponse(this.control, hooks, req.method ?? 'GET', path.slice(CONTROL_PREFIX.length), body);
      return send(
        res,
        answer.status,
        answer.body,
        answer.status === 200 ? 'application/json' : 'application/problem+json',
      );
    }
    if (req.method === 'POST' && path === '/session/v1/login-request') return send(res, 200, this.login(url, body));
    if (req.method === 'POST' && path === '/telemetry/send')
      return send(res, 200, { success: true, code: null, message: null, data: null });
    if (req.method === 'POST' && path === '/session/token-request') return send(res, 200, this.renew(req, body));

    const session = this.sessions.get(tokenOf(req) ?? '');
    if (!session) {
      return send(
        res,
        200,
        errorBody('390111', 'Session no longer exists.  New login required to access the service.', '08001'),
      );
    }
    if (req.method === 'POST' && path === '/session/heartbeat')
      return send(res, 200, { success: true, code: null, message: null, data: {} });
    if (req.method === 'POST' && path === '/session' && url.searchParams.get('delete') === 'true') {
      this.sessions.delete(session.token);
      this.masters.delete(session.masterToken);
      return send(res, 200, { success: true, code: null, message: null, data: null });
    }
    if (req.method === 'POST' && path === '/queries/v1/abort-request')
      return send(res, 200, { success: true, code: null, message: null, data: null });
    if (req.method === 'POST' && path === '/queries/v1/query-request') {
      this.control.countRoundTrip();
      if (this.control.latencyMs > 0) await delay(this.control.latencyMs);
      return send(res, 200, this.query(session, body as QueryRequest));
    }
    const fetch = /^\/queries\/([^/]+)\/result$/.exec(path);
    if (req.method === 'GET' && fetch) {
      this.control.countRoundTrip();
      if (this.control.latencyMs > 0) await delay(this.control.latencyMs);
      const stored = this.results.get(decodeURIComponent(fetch[1]!));
      return send(res, 200, stored ?? errorBody('000709', `Statement ${fetch[1]} not found`, '02000'));
    }
    return send(res, 404, errorBody('000404', `no route ${req.method} ${path}`));
  }

  // Sessions --------------------------------------------------------------------------------------------------

  /** Forgets every session, as a restart or an expired master token would: the next query answers 390111. */
  endSessions(): void {
    this.sessions.clear();
    this.masters.clear();
  }

  private login(url: URL, body: unknown): unknown {
    const data = ((body ?? {}) as { data?: Record<string, unknown> }).data ?? {};
    if (this.control.loginsRefused) {
      return errorBody('390101', 'User access disabled. Contact your local system administrator.', '08004');
    }
    const loginName = String(data.LOGIN_NAME ?? '');
    const user = this.users.find((u) => u.name.toUpperCase() === loginName.toUpperCase());
    // Key-pair logins (SNOWFLAKE_JWT) are accepted for a known user without checking the signature.
    const isKeyPair = data.AUTHENTICATOR === 'SNOWFLAKE_JWT' && typeof data.TOKEN === 'string';
    if (!user || (!isKeyPair && data.PASSWORD !== user.password)) {
      return errorBody('390100', 'Incorrect username or password was specified.', '08004');
    }
    const roleName = url.searchParams.get('roleName');
    const role = roleName ? normalizeLoginName(roleName) : (user.role ?? 'SYSADMIN');
    if (!this.account.role(role)) {
      return errorBody(
        '390189',
        `Role '${role}' specified in the connect string does not exist or not authorized. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.`,
        '08004',
      );
    }
    const dbParam = url.searchParams.get('databaseName');
    const database = dbParam && this.account.database(normalizeLoginName(dbParam)) ? normalizeLoginName(dbParam) : null;
    const schemaParam = url.searchParams.get('schemaName');
    const schema =
      database && schemaParam && this.account.schema(database, normalizeLoginName(schemaParam))
        ? normalizeLoginName(schemaParam)
        : database && this.account.schema(database, 'PUBLIC')
          ? 'PUBLIC'
          : null;
    const warehouse = url.searchParams.get('warehouse');
    const session: Session = {
      id: this.nextSessionId++,
      token: `ver:1-hint:${randomBytes(24).toString('hex')}`,
      masterToken: `ver:1-hint:${randomBytes(24).toString('hex')}`,
      user: user.name.toUpperCase(),
      role,
      warehouse: warehouse ? normalizeLoginName(warehouse) : null,
      database,
      schema,
    };
    this.sessions.set(session.token, session);
    this.masters.set(session.masterToken, session);
    return loginBody(session);
  }

  /** POST /session/token-request (RENEW) with the master token: a new session token for the same session. */
  private renew(req: IncomingMessage, body: unknown): unknown {
    const session = this.masters.get(tokenOf(req) ?? '');
    if (!session)
      return errorBody('390114', 'Authentication token has expired.  The user must authenticate again.', '08001');
    const old = (body as { oldSessionToken?: string } | null)?.oldSessionToken;
    if (old) this.sessions.delete(old);
    session.token = `ver:1-hint:${randomBytes(24).toString('hex')}`;
    this.sessions.set(session.token, session);
    return {
      success: true,
      code: null,
      message: null,
      data: {
        sessionToken: session.token,
        validityInSecondsST: 3600,
        masterToken: session.masterToken,
        validityInSecondsMT: 14400,
      },
    };
  }

  // Queries ---------------------------------------------------------------------------------------------------

  private query(session: Session, request: QueryRequest): unknown {
    const sqlText = typeof request?.sqlText === 'string' ? request.sqlText : '';
    const bindings: Bindings = request?.bindings ?? {};
    const queryId = randomUUID();
    let statements: StatementSource[];
    try {
      statements = splitStatements(sqlText);
    } catch (e) {
      const err = e as SnowflakeSqlError;
      this.control.record(sqlText, false, err.message);
      return this.store(queryId, errorBody(err.code, err.message, err.sqlState, queryId));
    }
    if (statements.length === 0) {
      this.control.record(sqlText, false, 'Empty SQL statement.');
      return this.store(queryId, errorBody('000900', 'SQL compilation error:\nEmpty SQL statement.', '42000', queryId));
    }
    // The driver only forwards MULTI_STATEMENT_COUNT; enforcing it is the server's job (default 1).
    const raw = request?.parameters?.MULTI_STATEMENT_COUNT;
    const desired = raw === undefined || raw === null || raw === '' ? 1 : Number(raw);
    if (desired !== 0 && desired !== statements.length) {
      const message = `Actual statement count ${statements.length} did not match the desired statement count ${desired}.`;
      this.control.record(sqlText, false, message);
      return this.store(queryId, errorBody('000008', message, '0A000', queryId));
    }
    if (statements.length === 1) {
      const outcome = this.run(session, statements[0]!, sqlText, bindings, undefined);
      return this.store(
        queryId,
        outcome instanceof SnowflakeSqlError
          ? errorBody(outcome.code, outcome.message, outcome.sqlState, queryId)
          : resultBody(queryId, outcome, session),
      );
    }
    // Statements run in order; the first failure fails the request and the rest do not run (grants already
    // applied stay applied: GRANT autocommits).
    const childIds: string[] = [];
    const childTypes: number[] = [];
    for (const statement of statements) {
      const childId = randomUUID();
      const outcome = this.run(session, statement, sqlText, bindings, sqlText);
      if (outcome instanceof SnowflakeSqlError) {
        return this.store(queryId, errorBody(outcome.code, outcome.message, outcome.sqlState, childId));
      }
      this.store(childId, resultBody(childId, outcome, session));
      childIds.push(childId);
      childTypes.push(outcome.statementTypeId);
    }
    return this.store(queryId, multiStatementBody(queryId, childIds, childTypes));
  }

  /**
   * Runs one statement: parse, injected fault, execute, log, then any concurrent DROP armed for it. A block runs
   * its statements through here one by one (each logged, each subject to faults) and is not logged itself.
   * `script` is the request a statement shared with others, which its log entry names.
   */
  private run(
    session: Session,
    statement: StatementSource,
    request: string,
    bindings: Bindings,
    script: string | undefined,
  ): ResultSet | SnowflakeSqlError {
    let parsed: Statement | SnowflakeSqlError;
    try {
      parsed = parseStatement(statement.tokens, request, bindings);
    } catch (e) {
      parsed = asSqlError(e);
    }
    if (!(parsed instanceof SnowflakeSqlError) && parsed.kind === 'block')
      return this.runBlock(session, parsed, bindings, script ?? request);
    try {
      const fault = this.control.takeFault(statement.sql);
      if (fault) throw new SnowflakeSqlError(fault.code, fault.message, fault.sqlState);
      if (parsed instanceof SnowflakeSqlError) throw parsed;
      const result = executeStatement({ account: this.account, session, bindings }, parsed);
      this.control.record(statement.sql, true, undefined, script);
      return result;
    } catch (e) {
      const err = asSqlError(e);
      this.control.record(statement.sql, false, err.message, script);
      return err;
    } finally {
      this.control.afterStatement(statement.sql);
    }
  }

  /** An anonymous block stops at its first failure and reports it as Snowflake Scripting does, code unchanged. */
  private runBlock(
    session: Session,
    block: Extract<Statement, { kind: 'block' }>,
    bindings: Bindings,
    script: string,
  ): ResultSet | SnowflakeSqlError {
    for (const inner of block.statements) {
      const outcome = this.run(session, inner, block.request, bindings, script);
      if (outcome instanceof SnowflakeSqlError) {
        const before = block.request.slice(0, inner.tokens[0]!.start);
        const line = before.split('\n').length,
          position = inner.tokens[0]!.start - (before.lastIndexOf('\n') + 1);
        return new SnowflakeSqlError(
          outcome.code,
          `Uncaught exception of type 'STATEMENT_ERROR' on line ${line} at position ${position} : ${outcome.message}`,
          outcome.sqlState,
        );
      }
    }
    return {
      columns: [{ name: 'anonymous block', type: 'text' }],
      rows: [[null]],
      statementTypeId: STATEMENT_TYPE.SELECT,
    };
  }

  private store(queryId: string, body: unknown): unknown {
    this.results.set(queryId, body);
    if (this.results.size > MAX_STORED_RESULTS) this.results.delete(this.results.keys().next().value!);
    return body;
  }
}

function asSqlError(e: unknown): SnowflakeSqlError {
  return e instanceof SnowflakeSqlError
    ? e
    : new SnowflakeSqlError(
        '000603',
        `SQL execution internal error:\nProcessing aborted due to error 300002:${(e as Error).message}`,
        'XX000',
      );
}

interface QueryRequest {
  sqlText?: unknown;
  bindings?: Bindings;
  parameters?: Record<string, unknown>;
}

/** Connection parameters (role, database, ...) are identifiers: unquoted ones fold, quoted ones keep case. */
function normalizeLoginName(name: string): string {
  return /^".*"$/.test(name) ? name.slice(1, -1).replaceAll('""', '"') : name.toUpperCase();
}

function tokenOf(req: IncomingMessage): string | undefined {
  return /Snowflake Token="([^"]+)"/.exec(req.headers.authorization ?? '')?.[1];
}

const INVALID = Symbol('invalid body');

/** Reads a JSON body; gzip is detected by its magic bytes, not by Content-Encoding (PROTOCOLS.md). */
async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let buf = Buffer.concat(chunks);
  if (buf.length === 0) return null;
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return INVALID;
  }
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
