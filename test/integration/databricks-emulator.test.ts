import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { DBSQLClient } from '@databricks/sql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type DatabricksCatalog,
  type DatabricksEmulator,
  startDatabricksEmulator,
} from '../../dev/emulators/databricks/server.js';

// The demo catalog plus a table whose name holds a backtick (stored as `odd`name`).
const demo = JSON.parse(
  readFileSync(new URL('../../dev/emulators/databricks/demo-catalog.json', import.meta.url), 'utf8'),
) as DatabricksCatalog;
const catalog: DatabricksCatalog = structuredClone(demo);
catalog.catalogs[0]!.schemas![0]!.tables!.push({
  name: 'odd`name',
  kind: 'TABLE',
  owner: 'alice@example.com',
  columns: [{ name: 'id', type: 'int' }],
});

type IDBSQLSession = Awaited<ReturnType<DBSQLClient['openSession']>>;

const silent = { log: () => undefined };
let emulator: DatabricksEmulator;
let client: DBSQLClient;
let session: IDBSQLSession;

/** The connect options that work against the emulator: its CA added to the trust store, telemetry off. */
const connectOptions = (token = emulator.token) => ({
  host: emulator.host,
  port: emulator.port,
  path: emulator.path,
  token,
  customCaCert: emulator.caCert,
  telemetryEnabled: false,
  retryMaxAttempts: 1,
});

async function connect(token?: string): Promise<{ client: DBSQLClient; session: IDBSQLSession }> {
  const c = new DBSQLClient({ logger: silent });
  await c.connect(connectOptions(token));
  return { client: c, session: await c.openSession() };
}

async function run(sql: string, s = session): Promise<Record<string, unknown>[]> {
  const op = await s.executeStatement(sql, { runAsync: true });
  try {
    return (await op.fetchAll()) as Record<string, unknown>[];
  } finally {
    await op.close();
  }
}

/** The error the driver raises for a refused statement: Databricks' message and the SQLSTATE beside it. */
async function refusal(sql: string): Promise<{ message: string; sqlState?: string }> {
  const error = await run(sql).then(
    () => undefined,
    (e: unknown) => e as Error & { response?: { sqlState?: string } },
  );
  if (!error) throw new Error(`expected ${sql} to be refused`);
  return { message: error.message, ...(error.response?.sqlState && { sqlState: error.response.sqlState }) };
}

function control(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: emulator.host,
        port: emulator.port,
        path: `/__emulator/${route}`,
        method,
        ca: emulator.caCert,
        headers: { 'Content-Type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

beforeAll(async () => {
  emulator = await startDatabricksEmulator({ catalog });
  ({ client, session } = await connect());
});
afterAll(async () => {
  await session?.close();
  await client?.close();
  await emulator?.stop();
});
beforeEach(() => emulator.control.reset());

describe('Databricks emulator through the real @databricks/sql driver', () => {
  it('connects over HTTPS with the emulator CA and answers SELECT 1', async () => {
    expect(await run('SELECT 1')).toEqual([{ 1: 1 }]);
    expect(await run('SELECT current_catalog() AS c, current_user() AS u')).toEqual([
      { c: 'main', u: 'admin@example.com' },
    ]);
  });

  it('pages results over FETCH_NEXT, inline (direct results) or polled', async () => {
    const sql = 'SELECT table_name FROM system.information_schema.tables ORDER BY table_name';
    const names = [
      'customers',
      'employees',
      'invoices',
      'odd`name',
      'orders',
      'orders_by_country',
      'revenue_by_region',
    ];
    const inline = await session.executeStatement(sql, { runAsync: true, maxRows: 2 });
    expect((await inline.fetchAll()).map((r) => (r as { table_name: string }).table_name)).toEqual(names);
    await inline.close();
    const polled = await session.executeStatement(sql, { runAsync: true, maxRows: null });
    expect(await polled.fetchChunk({ maxRows: 2 })).toHaveLength(2);
    expect(await polled.fetchChunk({ maxRows: 10 })).toHaveLength(5);
    await polled.close();
    const failing = await session.executeStatement('SHOW TABLES IN main.nope', { runAsync: true, maxRows: null });
    await expect(failing.fetchAll()).rejects.toThrow(/^\[SCHEMA_NOT_FOUND\]/);
  });

  it('binds named and positional parameters', async () => {
    const named = await session.executeStatement(
      'SELECT grantee FROM system.information_schema.table_privileges WHERE table_name = :t AND inherited_from = :i',
      { runAsync: true, namedParameters: { t: 'invoices', i: 'NONE' } },
    );
    expect(await named.fetchAll()).toEqual([{ grantee: '6f1c2b7e-3d4a-4e8b-9c21-5a0d7e4f8b13' }]);
    await named.close();
    const positional = await session.executeStatement(
      'SELECT catalog_name FROM system.information_schema.schemata WHERE schema_name = ?',
      { runAsync: true, ordinalParameters: ["it's"] },
    );
    expect(await positional.fetchAll()).toEqual([]);
    await positional.close();
  });

  it('refuses a bad token with HTTP 401', async () => {
    const error = await connect('dapi-wrong').then(
      () => undefined,
      (e: unknown) => e as Error & { statusCode?: number },
    );
    expect(error?.statusCode).toBe(401);
  });

  it('is trusted with a certificate made by node:crypto as well as by openssl', async () => {
    const other = await startDatabricksEmulator({ catalog, certificate: 'node-crypto', token: 'dapi-other' });
    try {
      const c = new DBSQLClient({ logger: silent });
      await c.connect({
        host: other.host,
        port: other.port,
        path: other.path,
        token: other.token,
        customCaCert: other.caCert,
        telemetryEnabled: false,
      });
      const s = await c.openSession();
      expect(await run('SELECT 1 AS one', s)).toEqual([{ one: 1 }]);
      await s.close();
      await c.close();
    } finally {
      await other.stop();
    }
  });

  it('lists catalogs, schemas, tables and views with Databricks column names', async () => {
    expect(await run('SHOW CATALOGS')).toEqual([{ catalog: 'hr_catalog' }, { catalog: 'main' }]);
    expect(await run("SHOW SCHEMAS IN main LIKE 'f*|s*'")).toEqual([
      { databaseName: 'finance' },
      { databaseName: 'sales' },
    ]);
    const tables = await run('SHOW TABLES IN main.sales');
    expect(tables).toContainEqual({ database: 'sales', tableName: 'orders', isTemporary: false });
    expect(tables.map((t) => t.tableName)).toEqual([
      'customers',
      'odd`name',
      'orders',
      'orders_by_country',
      'revenue_by_region',
    ]);
    expect(await run('SHOW VIEWS IN main.sales')).toEqual([
      { namespace: 'sales', viewName: 'orders_by_country', isTemporary: false, isMaterialized: false },
      { namespace: 'sales', viewName: 'revenue_by_region', isTemporary: false, isMaterialized: false },
    ]);
    expect((await run('DESCRIBE TABLE main.finance.invoices')).map((r) => r.col_name)).toEqual([
      'invoice_id',
      'customer_id',
      'total',
      'due_date',
    ]);
    expect(await run('SHOW COLUMNS IN main.sales.`odd``name`')).toEqual([{ col_name: 'id' }]);
  });

  it('resolves unqualified names against USE SCHEMA and shows owners in DESCRIBE ... EXTENDED', async () => {
    const { client: c, session: s } = await connect();
    try {
      await run('USE SCHEMA main.finance', s);
      expect(await run('SELECT current_schema()', s)).toEqual([{ 'current_schema()': 'finance' }]);
      const described = await run('DESCRIBE TABLE EXTENDED invoices', s);
      expect(described).toContainEqual({ col_name: 'Owner', data_type: 'finance', comment: '' });
      expect(await run('SHOW GRANTS ON VIEW main.sales.orders_by_country', s)).toContainEqual({
        Principal: 'analysts',
        ActionType: 'SELECT',
        ObjectType: 'TABLE',
        ObjectKey: 'main.sales.orders_by_country',
      });
      expect((await refusal('SHOW GRANTS ON VIEW main.sales.orders')).message).toMatch(/^\[EXPECT_VIEW_NOT_TABLE/);
      expect((await refusal('GRANT MODIFY ON VIEW main.sales.orders_by_country TO analysts')).message).toMatch(
        /^\[INVALID_PARAMETER_VALUE\.PRIVILEGE_NOT_APPLICABLE\]/,
      );
    } finally {
      await s.close();
      await c.close();
    }
  });

  it('answers the driver metadata calls from the same metastore', async () => {
    const op = await session.getTables({ catalogName: 'main', schemaName: 'fin%' });
    expect(await op.fetchAll()).toEqual([
      { TABLE_CAT: 'main', TABLE_SCHEM: 'finance', TABLE_NAME: 'invoices', TABLE_TYPE: 'TABLE', REMARKS: '' },
    ]);
    await op.close();
    expect(emulator.control.roundTrips()).toBe(0);
  });

  it('shows inherited grants in SHOW GRANTS, marked by the ancestor ObjectType and ObjectKey, named as a SQL warehouse names them', async () => {
    const rows = await run('SHOW GRANTS ON TABLE main.finance.invoices');
    expect(rows).toContainEqual({
      Principal: '6f1c2b7e-3d4a-4e8b-9c21-5a0d7e4f8b13',
      ActionType: 'MODIFY',
      ObjectType: 'TABLE',
      ObjectKey: 'main.finance.invoices',
    });
    expect(rows).toContainEqual({
      Principal: 'finance',
      ActionType: 'SELECT',
      ObjectType: 'SCHEMA',
      ObjectKey: 'main.finance',
    });
    expect(rows).toContainEqual({
      Principal: 'finance',
      ActionType: 'USE CATALOG',
      ObjectType: 'CATALOG',
      ObjectKey: 'main',
    });
    expect(await run('SHOW GRANTS `bob@example.com` ON TABLE main.sales.orders')).toEqual([
      { Principal: 'bob@example.com', ActionType: 'MODIFY', ObjectType: 'TABLE', ObjectKey: 'main.sales.orders' },
    ]);
  });

  it('reads privileges in bulk from system.information_schema with inherited_from', async () => {
    const tables = await run(
      'SELECT grantee, table_name, privilege_type, inherited_from FROM system.information_schema.table_privileges ' +
        "WHERE table_catalog = 'main' AND table_schema IN ('finance') ORDER BY grantee",
    );
    expect(tables).toEqual([
      {
        grantee: '6f1c2b7e-3d4a-4e8b-9c21-5a0d7e4f8b13',
        table_name: 'invoices',
        privilege_type: 'MODIFY',
        inherited_from: 'NONE',
      },
      { grantee: 'finance', table_name: 'invoices', privilege_type: 'SELECT', inherited_from: 'SCHEMA' },
    ]);
    const schemas = await run(
      "SELECT * FROM system.information_schema.schema_privileges WHERE schema_name = 'sales' AND inherited_from = 'NONE'",
    );
    expect(schemas).toEqual([
      {
        grantor: 'admins',
        grantee: 'analysts',
        catalog_name: 'main',
        schema_name: 'sales',
        privilege_type: 'USE SCHEMA',
        is_grantable: 'NO',
        inherited_from: 'NONE',
      },
    ]);
    const catalogs = await run(
      'SELECT grantee, privilege_type FROM main.information_schema.catalog_privileges ORDER BY grantee, privilege_type',
    );
    expect(catalogs.map((r) => `${r.grantee}:${r.privilege_type}`)).toEqual([
      'account users:BROWSE',
      'analysts:USE CATALOG',
      'finance:USE CATALOG',
    ]);
    const objects = await run(
      "SELECT table_name, table_type, table_owner FROM system.information_schema.tables WHERE table_schema = 'finance'",
    );
    expect(objects).toEqual([{ table_name: 'invoices', table_type: 'MANAGED', table_owner: 'finance' }]);
  });

  it('grants two privileges to a backquoted e-mail principal in one statement and revokes them', async () => {
    await run('GRANT SELECT, MODIFY ON TABLE main.sales.customers TO `bob@example.com`');
    expect(emulator.metastore.grantsOn('TABLE', 'main.sales.customers')).toEqual([
      { principal: 'bob@example.com', privilege: 'SELECT' },
      { principal: 'bob@example.com', privilege: 'MODIFY' },
    ]);
    await run('REVOKE SELECT, MODIFY ON TABLE main.sales.customers FROM `bob@example.com`');
    expect(emulator.metastore.grantsOn('TABLE', 'main.sales.customers')).toEqual([]);
    expect(emulator.control.statements().map((s) => s.ok)).toEqual([true, true]);
  });

  it('folds object names to lower case but matches principals case-sensitively', async () => {
    await run('GRANT USE_SCHEMA ON SCHEMA `MAIN`.Sales TO `account users`');
    expect(emulator.metastore.hasGrant('account users', 'USE SCHEMA', 'SCHEMA', 'main.sales')).toBe(true);
    await run('REVOKE USE SCHEMA ON SCHEMA main.sales FROM `account users`');
    const { message } = await refusal('GRANT SELECT ON TABLE main.sales.orders TO `Alice@Example.com`');
    expect(message).toMatch(/^\[PRINCIPAL_DOES_NOT_EXIST\] Could not find principal with name Alice@Example\.com/);
  });

  it('quotes a table name that contains a backtick by doubling it', async () => {
    await run('GRANT SELECT ON TABLE main.sales.`odd``name` TO analysts');
    expect(emulator.metastore.hasGrant('analysts', 'SELECT', 'TABLE', 'main.sales.`odd``name`')).toBe(true);
    expect(await run('SHOW GRANTS analysts ON TABLE main.sales.`odd``name`')).toContainEqual({
      Principal: 'analysts',
      ActionType: 'SELECT',
      ObjectType: 'TABLE',
      ObjectKey: 'main.sales.odd`name',
    });
  });

  it('refuses a privilege the securable does not take, an unknown object and an unknown principal', async () => {
    expect(await refusal('GRANT USE CATALOG ON TABLE main.sales.orders TO analysts')).toEqual({
      message: expect.stringMatching(
        /^\[INVALID_PARAMETER_VALUE\.PRIVILEGE_NOT_APPLICABLE\] Privilege USE CATALOG is not applicable/,
      ),
      sqlState: '22023',
    });
    expect(await refusal('SHOW GRANTS ON TABLE main.sales.nope')).toEqual({
      message: expect.stringMatching(
        /^\[TABLE_OR_VIEW_NOT_FOUND\] The table or view `main`\.`sales`\.`nope` cannot be found/,
      ),
      sqlState: '42P01',
    });
    expect((await refusal('SHOW TABLES IN main.nope')).message).toMatch(/^\[SCHEMA_NOT_FOUND\]/);
    expect((await refusal('GRANT USE CATALOG ON CATALOG nope TO analysts')).message).toMatch(
      /^\[NO_SUCH_CATALOG_EXCEPTION\]/,
    );
    expect(await refusal('GRANT SELECT ON TABLE main.sales.orders TO `carol@example.com`')).toEqual({
      message: expect.stringMatching(/^\[PRINCIPAL_DOES_NOT_EXIST\]/),
      sqlState: '42704',
    });
    expect(emulator.metastore.grantsOn('TABLE', 'main.sales.orders')).toHaveLength(2);
    expect(emulator.control.statements().every((s) => !s.ok && s.error?.startsWith('['))).toBe(true);
  });

  it('fails an injected statement once and counts every ExecuteStatement as a round trip', async () => {
    emulator.control.failStatement(
      { pattern: '^GRANT', nth: 2 },
      { code: 'TEMPORARILY_UNAVAILABLE', message: 'try again', sqlState: '08KD1' },
    );
    await run('GRANT SELECT ON TABLE main.sales.customers TO analysts');
    expect(await refusal('GRANT SELECT ON TABLE main.sales.customers TO finance')).toEqual({
      message: '[TEMPORARILY_UNAVAILABLE] try again SQLSTATE: 08KD1',
      sqlState: '08KD1',
    });
    await run('GRANT SELECT ON TABLE main.sales.customers TO finance');
    expect(emulator.control.roundTrips()).toBe(3);
    expect(emulator.control.statements().map((s) => s.ok)).toEqual([true, false, true]);
    await run('REVOKE SELECT ON TABLE main.sales.customers FROM analysts');
    await run('REVOKE SELECT ON TABLE main.sales.customers FROM finance');
  });

  it('drops an object between two statements, as a concurrent DROP would', async () => {
    emulator.control.dropBetween('SHOW GRANTS ON TABLE main\\.sales\\.`odd``name`', 'main.sales.`odd``name`');
    await run('SHOW GRANTS ON TABLE main.sales.`odd``name`');
    expect((await refusal('GRANT MODIFY ON TABLE main.sales.`odd``name` TO analysts')).message).toMatch(
      /^\[TABLE_OR_VIEW_NOT_FOUND\]/,
    );
  });

  it('refuses every request with 401 while logins are refused, and adds latency per request', async () => {
    emulator.control.refuseLogins(true);
    const op = await session.executeStatement('SELECT 1', { runAsync: true }).then(
      () => undefined,
      (e: unknown) => e as { statusCode?: number },
    );
    expect(op?.statusCode).toBe(401);
    emulator.control.refuseLogins(false);
    emulator.control.setLatency(60);
    const started = Date.now();
    await run('SELECT 1');
    // One HTTP request: the statement's status, metadata, rows and close come back inline (direct results).
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    emulator.control.setLatency(0);
  });

  it('ends every session on demand, so a connector has to open a new one', async () => {
    const other = await startDatabricksEmulator({ catalog });
    try {
      const c = new DBSQLClient({ logger: silent });
      await c.connect({
        host: other.host,
        port: other.port,
        path: other.path,
        token: other.token,
        customCaCert: other.caCert,
        telemetryEnabled: false,
      });
      const s = await c.openSession();
      other.endSessions();
      await expect(run('SELECT 1', s)).rejects.toThrow(/Invalid SessionHandle/);
      expect(await run('SELECT 1 AS again', await c.openSession())).toEqual([{ again: 1 }]);
      await c.close().catch(() => undefined); // closing the ended session is refused too
    } finally {
      await other.stop();
    }
  });

  it('offers the same controls over HTTP under /__emulator/', async () => {
    expect(
      (
        await control('POST', 'fail', {
          match: { pattern: 'SHOW CATALOGS' },
          error: { code: 'INTERNAL_ERROR', message: 'boom' },
        })
      ).status,
    ).toBe(200);
    expect(await refusal('SHOW CATALOGS')).toEqual({
      message: '[INTERNAL_ERROR] boom SQLSTATE: XX000',
      sqlState: 'XX000',
    });
    await run('SELECT 1');
    expect(await control('GET', 'round-trips')).toEqual({ status: 200, json: { roundTrips: 2 } });
    const log = (await control('GET', 'statements')).json as { statements: { sql: string; ok: boolean }[] };
    expect(log.statements.map(({ sql, ok }) => ({ sql, ok }))).toEqual([
      { sql: 'SHOW CATALOGS', ok: false },
      { sql: 'SELECT 1', ok: true },
    ]);
    const { grants } = (await control('GET', 'grants')).json as {
      grants: { principal: string; privilege: string; name: string }[];
    };
    expect(grants).toContainEqual(
      expect.objectContaining({ principal: 'bob@example.com', privilege: 'MODIFY', name: 'main.sales.orders' }),
    );
    expect((await control('POST', 'latency', { ms: 0 })).status).toBe(200);
    expect(
      (await control('POST', 'drop-between', { afterStatementMatching: 'x', objectFqn: 'main.sales.zzz' })).status,
    ).toBe(200);
    expect((await control('POST', 'refuse-logins', { on: false })).status).toBe(200);
    expect(await control('POST', 'latency', { ms: 'slow' })).toEqual({
      status: 400,
      json: expect.objectContaining({
        title: 'Bad Request',
        detail: expect.stringMatching(/latency must be a non-negative number/),
      }),
    });
    expect((await control('POST', 'fail', { nth: 0, error: { code: 'X', message: 'y' } })).status).toBe(400);
    await control('POST', 'reset');
    expect(emulator.control.roundTrips()).toBe(0);
  });
});

describe('Databricks emulator: counts and ranges of names', () => {
  const rows = async (sql: string, namedParameters: Record<string, string> = {}) => {
    const op = await session.executeStatement(sql, { runAsync: true, namedParameters });
    const all = (await op.fetchAll()) as Record<string, unknown>[];
    await op.close();
    return all;
  };

  it('counts tables per schema with GROUP BY and orders and compares names by UTF-8 bytes', async () => {
    const listed = await rows("SELECT table_schema FROM system.information_schema.tables WHERE table_catalog = 'main'");
    const perSchema = new Map<string, number>();
    for (const r of listed) perSchema.set(String(r.table_schema), (perSchema.get(String(r.table_schema)) ?? 0) + 1);
    const grouped = await rows(
      'SELECT table_schema, count(*) AS n FROM system.information_schema.tables WHERE table_catalog = :c GROUP BY table_schema',
      { c: 'main' },
    );
    expect(new Map(grouped.map((r) => [String(r.table_schema), Number(r.n)]))).toEqual(perSchema);

    // U+FF5E sorts before U+1F600 in UTF8_BINARY, after it by UTF-16 code unit.
    const [schema] = [...emulator.metastore.catalogs.get('main')!.schemas.values()];
    for (const name of ['\u{1F600}', '\u{FF5E}'])
      schema!.tables.set(name, { name, kind: 'TABLE', owner: 'admin@example.com', columns: [] });
    const names = async (where: string, namedParameters: Record<string, string>) =>
      (
        await rows(
          `SELECT table_name FROM system.information_schema.tables WHERE table_catalog = 'main' AND table_schema = :s AND ${where} ORDER BY table_name`,
          { s: schema!.name, ...namedParameters },
        )
      ).map((r) => String(r.table_name));
    expect(await names('table_name >= :from', { from: '\u{FF00}' })).toEqual(['\u{FF5E}', '\u{1F600}']);
    expect(
      await names('table_name >= :from AND table_name < :below', { from: '\u{FF00}', below: '\u{1F600}' }),
    ).toEqual(['\u{FF5E}']);
  });
});
