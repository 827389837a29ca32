import { generateKeyPairSync } from 'node:crypto';
import snowflake from 'snowflake-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type SnowflakeCatalog,
  type SnowflakeEmulator,
  startSnowflakeEmulator,
} from '../../dev/emulators/snowflake/index.js';
import { failureOf } from '../support/failure-of.js';

// The real driver against the emulator, no mocks. Telemetry off: one fewer request per login.
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE = '1';
snowflake.configure({ logLevel: 'OFF' });

const INJECTION = 'x"; DROP TABLE y; --';

const catalog: SnowflakeCatalog = {
  databases: [
    {
      name: 'SALES',
      schemas: [
        {
          name: 'PUBLIC',
          tables: [
            {
              name: 'ORDERS',
              kind: 'TABLE',
              columns: [
                { name: 'ORDER_ID', type: 'NUMBER(38,0)', nullable: false },
                { name: 'STATUS', type: 'VARCHAR(20)' },
              ],
            },
            {
              name: 'CUSTOMERS',
              kind: 'TABLE',
              columns: [
                { name: 'CUSTOMER_ID', type: 'NUMBER(38,0)' },
                { name: 'EMAIL', type: 'VARCHAR' },
              ],
            },
            { name: 'Orders', kind: 'TABLE', columns: [{ name: 'id', type: 'INT' }] },
            { name: INJECTION, kind: 'TABLE', columns: [{ name: 'A', type: 'VARCHAR' }] },
            { name: 'Y', kind: 'TABLE', columns: [{ name: 'B', type: 'VARCHAR' }] },
            { name: 'ORDERS_V', kind: 'VIEW', columns: [{ name: 'ORDER_ID', type: 'NUMBER(38,0)' }] },
          ],
        },
        {
          name: 'FINANCE',
          tables: [{ name: 'INVOICES', kind: 'TABLE', columns: [{ name: 'INVOICE_ID', type: 'NUMBER(38,0)' }] }],
        },
      ],
    },
    { name: 'HR', schemas: [{ name: 'PUBLIC', tables: [] }] },
  ],
  roles: [{ name: 'ANALYST' }, { name: 'ENGINEER' }],
  grants: [
    { privilege: 'OWNERSHIP', on: { type: 'DATABASE', name: 'SALES' }, to: 'SYSADMIN' },
    { privilege: 'OWNERSHIP', on: { type: 'TABLE', name: 'SALES.PUBLIC.ORDERS' }, to: 'SYSADMIN' },
    { privilege: 'USAGE', on: { type: 'DATABASE', name: 'SALES' }, to: 'ANALYST', grantedBy: 'SECURITYADMIN' },
    { privilege: 'USAGE', on: { type: 'SCHEMA', name: 'SALES.PUBLIC' }, to: 'ANALYST', grantedBy: 'SECURITYADMIN' },
    {
      privilege: 'SELECT',
      on: { type: 'TABLE', name: 'SALES.PUBLIC.ORDERS' },
      to: 'ANALYST',
      grantedBy: 'SECURITYADMIN',
    },
    { privilege: 'SELECT', on: { type: 'TABLE', name: 'SALES.PUBLIC.CUSTOMERS' }, to: 'ENGINEER' },
    { privilege: 'SELECT', on: { type: 'TABLE', name: 'SALES.FINANCE.INVOICES' }, to: 'ENGINEER' },
  ],
};

type Row = Record<string, unknown>;
interface SfError extends Error {
  code?: string | number;
  sqlState?: string;
}

function connect(emulator: SnowflakeEmulator, password = 'emulator'): Promise<snowflake.Connection> {
  const conn = snowflake.createConnection({
    account: 'emu',
    username: 'policysync',
    password,
    accessUrl: emulator.url,
  });
  return new Promise((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve(conn))));
}

function exec(
  conn: snowflake.Connection,
  sqlText: string,
  binds?: snowflake.Binds,
  parameters?: Record<string, unknown>,
): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    conn.execute({
      sqlText,
      ...(binds ? { binds } : {}),
      ...(parameters ? { parameters } : {}),
      complete: (err, _stmt, rows) => (err ? reject(err) : resolve((rows ?? []) as Row[])),
    });
  });
}

/** A multi-statement request: the driver fetches each child result as the caller asks for the next one. */
function execMulti(conn: snowflake.Connection, sqlText: string, count: number): Promise<Row[][]> {
  return new Promise((resolve, reject) => {
    const results: Row[][] = [];
    conn.execute({
      sqlText,
      parameters: { MULTI_STATEMENT_COUNT: count },
      complete: (err, stmt, rows) => {
        if (err) return reject(err);
        results.push((rows ?? []) as Row[]);
        // hasNext/NextResult exist on multi-statement results but are missing from the driver's typings.
        const multi = stmt as unknown as { hasNext(): boolean; NextResult(): void };
        if (multi.hasNext()) multi.NextResult();
        else resolve(results);
      },
    });
  });
}

const failure = (p: Promise<unknown>) => failureOf<SfError>(p);

function close(conn: snowflake.Connection): Promise<void> {
  return new Promise((resolve) => conn.destroy(() => resolve()));
}

let emulator: SnowflakeEmulator;
let conn: snowflake.Connection;
beforeEach(async () => {
  emulator = await startSnowflakeEmulator({ catalog });
  conn = await connect(emulator);
});
afterEach(async () => {
  await close(conn);
  await emulator.stop();
});

describe('Snowflake emulator: sessions', () => {
  it('logs in the default user and answers pings with the session context', async () => {
    const [row] = await exec(conn, 'SELECT 1, CURRENT_VERSION(), CURRENT_USER() AS who, CURRENT_ROLE()');
    expect(row).toMatchObject({ '1': 1, WHO: 'POLICYSYNC', 'CURRENT_ROLE()': 'SYSADMIN' });
    expect(typeof row!['CURRENT_VERSION()']).toBe('string');
  });

  it('accepts a key-pair (SNOWFLAKE_JWT) login for a known user', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const keyPair = snowflake.createConnection({
      account: 'emu',
      username: 'POLICYSYNC',
      authenticator: 'SNOWFLAKE_JWT',
      privateKey,
      accessUrl: emulator.url,
    });
    await new Promise<void>((resolve, reject) => keyPair.connect((err) => (err ? reject(err) : resolve())));
    expect(await exec(keyPair, 'SELECT CURRENT_USER()')).toEqual([{ 'CURRENT_USER()': 'POLICYSYNC' }]);
    await close(keyPair);
  });

  it('resolves unqualified names against USE DATABASE / USE SCHEMA and refuses them without one', async () => {
    expect((await failure(exec(conn, 'SHOW GRANTS ON TABLE ORDERS'))).code).toBe('090105');
    await exec(conn, 'USE DATABASE sales');
    expect((await exec(conn, 'SHOW TABLES')).map((r) => r.name)).toContain('ORDERS'); // USE DATABASE makes PUBLIC current
    await exec(conn, 'USE SCHEMA FINANCE');
    expect((await exec(conn, 'SHOW TABLES')).map((r) => r.name)).toEqual(['INVOICES']);
    expect((await exec(conn, 'SHOW GRANTS ON TABLE INVOICES')).map((r) => r.grantee_name)).toEqual(['ENGINEER']);
    expect(await exec(conn, 'SELECT CURRENT_DATABASE(), CURRENT_SCHEMA()')).toEqual([
      { 'CURRENT_DATABASE()': 'SALES', 'CURRENT_SCHEMA()': 'FINANCE' },
    ]);
    expect((await failure(exec(conn, 'USE ROLE ghost'))).code).toBe('002003');
  });

  it('ends sessions on demand so a connector can prove it reconnects', async () => {
    emulator.endSessions();
    // The server answers 390111 (session gone); the driver turns that into its own "disconnected" error.
    expect((await failure(exec(conn, 'SELECT 1'))).code).toBe(407002);
    expect(conn.isUp()).toBe(false);
    const fresh = await connect(emulator);
    await exec(fresh, 'SELECT 1');
    await close(fresh);
  });

  it('refuses a wrong password with 390100', async () => {
    const err = await failure(connect(emulator, 'wrong'));
    expect(err.code).toBe('390100');
    expect(err.message).toContain('Incorrect username or password');
  });
});

describe('Snowflake emulator: SHOW', () => {
  it('lists databases filtered by a case-insensitive LIKE', async () => {
    expect((await exec(conn, 'SHOW DATABASES')).map((r) => r.name)).toEqual(['HR', 'SALES']);
    const rows = await exec(conn, "SHOW DATABASES LIKE 'sal%'");
    expect(rows.map((r) => r.name)).toEqual(['SALES']);
    expect(rows[0]).toMatchObject({ owner: 'SYSADMIN', kind: 'STANDARD' });
    expect(rows[0]!.created_on).toBeInstanceOf(Date);
  });

  it('lists the schemas of one database, INFORMATION_SCHEMA included as in Snowflake', async () => {
    const rows = await exec(conn, 'SHOW SCHEMAS IN DATABASE sales');
    expect(rows.map((r) => r.name)).toEqual(['FINANCE', 'PUBLIC', 'INFORMATION_SCHEMA']);
    expect(rows.every((r) => r.database_name === 'SALES')).toBe(true);
    expect((await exec(conn, "SHOW SCHEMAS LIKE 'FIN%' IN SALES")).map((r) => r.name)).toEqual(['FINANCE']);
  });

  it('lists tables and views separately, scoped by IN SCHEMA, IN db.schema and IN DATABASE', async () => {
    const tables = await exec(conn, 'SHOW TABLES IN SCHEMA sales.public');
    expect(tables.map((r) => r.name)).toEqual(['CUSTOMERS', 'ORDERS', 'Orders', 'Y', INJECTION]);
    expect(tables[0]).toMatchObject({ database_name: 'SALES', schema_name: 'PUBLIC', kind: 'TABLE', rows: 0 });
    expect((await exec(conn, "SHOW TABLES LIKE 'ord%' IN sales.public")).map((r) => r.name)).toEqual([
      'ORDERS',
      'Orders',
    ]);
    expect((await exec(conn, 'SHOW TABLES IN DATABASE SALES')).map((r) => `${r.schema_name}.${r.name}`)).toContain(
      'FINANCE.INVOICES',
    );
    expect((await exec(conn, 'SHOW VIEWS IN DATABASE SALES')).map((r) => r.name)).toEqual(['ORDERS_V']);
    expect(await exec(conn, "SHOW TERSE OBJECTS LIKE 'ORDERS%' IN SCHEMA SALES.PUBLIC")).toEqual([
      { created_on: expect.any(Date), name: 'ORDERS', kind: 'TABLE', database_name: 'SALES', schema_name: 'PUBLIC' },
      { created_on: expect.any(Date), name: 'ORDERS_V', kind: 'VIEW', database_name: 'SALES', schema_name: 'PUBLIC' },
      { created_on: expect.any(Date), name: 'Orders', kind: 'TABLE', database_name: 'SALES', schema_name: 'PUBLIC' },
    ]);
  });

  it('lists columns of a table with Snowflake data_type JSON', async () => {
    const rows = await exec(conn, 'SHOW COLUMNS IN TABLE SALES.PUBLIC.ORDERS');
    expect(rows.map((r) => r.column_name)).toEqual(['ORDER_ID', 'STATUS']);
    expect(JSON.parse(String(rows[0]!.data_type))).toMatchObject({
      type: 'FIXED',
      precision: 38,
      scale: 0,
      nullable: false,
    });
    expect(rows[0]).toMatchObject({
      table_name: 'ORDERS',
      schema_name: 'PUBLIC',
      database_name: 'SALES',
      kind: 'COLUMN',
      'null?': 'false',
    });
  });

  it('lists roles, system roles included, filtered by LIKE', async () => {
    expect((await exec(conn, 'SHOW ROLES')).map((r) => r.name)).toEqual(
      expect.arrayContaining(['ACCOUNTADMIN', 'ANALYST', 'ENGINEER', 'PUBLIC', 'SYSADMIN']),
    );
    expect((await exec(conn, "SHOW ROLES LIKE 'an%'")).map((r) => r.name)).toEqual(['ANALYST']);
  });

  it('answers SHOW GRANTS ON with Snowflake column set, OWNERSHIP included', async () => {
    const rows = await exec(conn, 'SHOW GRANTS ON TABLE SALES.PUBLIC.ORDERS');
    expect(Object.keys(rows[0]!)).toEqual([
      'created_on',
      'privilege',
      'granted_on',
      'name',
      'granted_to',
      'grantee_name',
      'grant_option',
      'granted_by',
    ]);
    expect(rows.map((r) => [r.privilege, r.grantee_name, r.granted_by])).toEqual([
      ['OWNERSHIP', 'SYSADMIN', 'SYSADMIN'],
      ['SELECT', 'ANALYST', 'SECURITYADMIN'],
    ]);
    expect(rows[1]).toMatchObject({
      granted_on: 'TABLE',
      name: 'SALES.PUBLIC.ORDERS',
      granted_to: 'ROLE',
      grant_option: 'false',
    });
  });
});

describe('Snowflake emulator: INFORMATION_SCHEMA', () => {
  it('reads table privileges of one database in bulk with bindings, IN and ORDER BY', async () => {
    const rows = await exec(
      conn,
      'SELECT GRANTEE, TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE, IS_GRANTABLE, GRANTOR, CREATED FROM SALES.INFORMATION_SCHEMA.TABLE_PRIVILEGES ' +
        'WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?, ?) ORDER BY TABLE_NAME, PRIVILEGE_TYPE',
      ['PUBLIC', 'ORDERS', 'CUSTOMERS'],
    );
    expect(rows.map((r) => [r.TABLE_NAME, r.PRIVILEGE_TYPE, r.GRANTEE])).toEqual([
      ['CUSTOMERS', 'SELECT', 'ENGINEER'],
      ['ORDERS', 'OWNERSHIP', 'SYSADMIN'],
      ['ORDERS', 'SELECT', 'ANALYST'],
    ]);
    expect(rows[2]).toMatchObject({ IS_GRANTABLE: 'NO', GRANTOR: 'SECURITYADMIN' });
    expect(rows[2]!.CREATED).toBeInstanceOf(Date);
  });

  it('reads database and schema privileges from OBJECT_PRIVILEGES', async () => {
    const rows = await exec(
      conn,
      "SELECT OBJECT_TYPE, OBJECT_CATALOG, OBJECT_NAME, PRIVILEGE_TYPE, GRANTEE FROM sales.information_schema.object_privileges WHERE GRANTEE = 'ANALYST' ORDER BY OBJECT_TYPE",
    );
    expect(rows).toEqual([
      {
        OBJECT_TYPE: 'DATABASE',
        OBJECT_CATALOG: 'SALES',
        OBJECT_NAME: 'SALES',
        PRIVILEGE_TYPE: 'USAGE',
        GRANTEE: 'ANALYST',
      },
      {
        OBJECT_TYPE: 'SCHEMA',
        OBJECT_CATALOG: 'SALES',
        OBJECT_NAME: 'PUBLIC',
        PRIVILEGE_TYPE: 'USAGE',
        GRANTEE: 'ANALYST',
      },
    ]);
  });

  it('reads tables and columns, views typed as VIEW', async () => {
    const tables = await exec(
      conn,
      "SELECT TABLE_NAME, TABLE_TYPE FROM SALES.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME LIKE 'ORDERS%' ORDER BY 1",
    );
    expect(tables).toEqual([
      { TABLE_NAME: 'ORDERS', TABLE_TYPE: 'BASE TABLE' },
      { TABLE_NAME: 'ORDERS_V', TABLE_TYPE: 'VIEW' },
    ]);
    const columns = await exec(
      conn,
      'SELECT COLUMN_NAME, DATA_TYPE, ORDINAL_POSITION FROM SALES.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      ['ORDERS'],
    );
    expect(columns).toEqual([
      { COLUMN_NAME: 'ORDER_ID', DATA_TYPE: 'NUMBER', ORDINAL_POSITION: 1 },
      { COLUMN_NAME: 'STATUS', DATA_TYPE: 'TEXT', ORDINAL_POSITION: 2 },
    ]);
  });
});

describe('Snowflake emulator: GRANT and REVOKE', () => {
  it('grants several privileges in one statement and shows them', async () => {
    await exec(conn, 'GRANT SELECT, INSERT ON TABLE sales.public.customers TO ROLE analyst');
    const rows = await exec(conn, 'SHOW GRANTS ON TABLE SALES.PUBLIC.CUSTOMERS');
    expect(
      rows
        .filter((r) => r.grantee_name === 'ANALYST')
        .map((r) => r.privilege)
        .sort(),
    ).toEqual(['INSERT', 'SELECT']);
    expect(emulator.account.grantsOn('SALES.PUBLIC.CUSTOMERS')).toContainEqual({
      privilege: 'INSERT',
      on: { type: 'TABLE', name: 'SALES.PUBLIC.CUSTOMERS' },
      to: 'ANALYST',
      grantedBy: 'SYSADMIN',
      grantOption: false,
    });
  });

  it('treats a grant already held and a revoke of an absent privilege as successes that change nothing', async () => {
    const before = emulator.account.grants().length;
    await exec(conn, 'GRANT SELECT ON TABLE SALES.PUBLIC.ORDERS TO ROLE ANALYST');
    await exec(conn, 'REVOKE DELETE ON TABLE SALES.PUBLIC.ORDERS FROM ROLE ANALYST');
    expect(emulator.account.grants()).toHaveLength(before);
  });

  it('revokes a drifted privilege', async () => {
    await exec(conn, 'REVOKE SELECT ON TABLE SALES.FINANCE.INVOICES FROM ROLE ENGINEER');
    expect(emulator.account.grantsOn('SALES.FINANCE.INVOICES')).toEqual([]);
  });

  it('grants on a database and a schema', async () => {
    await exec(conn, 'GRANT USAGE, MONITOR ON DATABASE SALES TO ROLE ENGINEER');
    await exec(conn, 'GRANT USAGE ON SCHEMA SALES.FINANCE TO ROLE ENGINEER');
    const rows = await exec(
      conn,
      "SELECT OBJECT_NAME, PRIVILEGE_TYPE FROM SALES.INFORMATION_SCHEMA.OBJECT_PRIVILEGES WHERE GRANTEE = 'ENGINEER' ORDER BY 1, 2",
    );
    expect(rows).toEqual([
      { OBJECT_NAME: 'FINANCE', PRIVILEGE_TYPE: 'USAGE' },
      { OBJECT_NAME: 'SALES', PRIVILEGE_TYPE: 'MONITOR' },
      { OBJECT_NAME: 'SALES', PRIVILEGE_TYPE: 'USAGE' },
    ]);
  });

  it('refuses to revoke OWNERSHIP and keeps it', async () => {
    const err = await failure(exec(conn, 'REVOKE OWNERSHIP ON TABLE SALES.PUBLIC.ORDERS FROM ROLE SYSADMIN'));
    expect(err).toMatchObject({ code: '003001', sqlState: '42501' });
    expect(emulator.account.grantsOn('SALES.PUBLIC.ORDERS').map((g) => g.privilege)).toContain('OWNERSHIP');
  });

  it('refuses a privilege the object type does not take', async () => {
    const err = await failure(exec(conn, 'GRANT SELECT ON DATABASE SALES TO ROLE ANALYST'));
    expect(err).toMatchObject({ code: '003011', sqlState: '42501' });
    expect(err.message).toContain('[SELECT] not granted');
  });

  it('refuses unknown objects and roles with 002003 naming what is missing', async () => {
    expect(await failure(exec(conn, 'GRANT USAGE ON DATABASE NOPE TO ROLE ANALYST'))).toMatchObject({
      code: '002003',
      sqlState: '02000',
      message: "SQL compilation error:\nDatabase 'NOPE' does not exist or not authorized.",
    });
    expect((await failure(exec(conn, 'GRANT USAGE ON SCHEMA SALES.NOPE TO ROLE ANALYST'))).message).toContain(
      "Schema 'SALES.NOPE' does not exist",
    );
    expect((await failure(exec(conn, 'GRANT SELECT ON TABLE SALES.PUBLIC.NOPE TO ROLE ANALYST'))).message).toContain(
      "Table 'SALES.PUBLIC.NOPE' does not exist",
    );
    expect(await failure(exec(conn, 'GRANT SELECT ON TABLE SALES.PUBLIC.ORDERS TO ROLE ghost'))).toMatchObject({
      code: '002003',
      message: "SQL compilation error:\nRole 'GHOST' does not exist or not authorized.",
    });
  });

  it('reports a syntax error with 001003', async () => {
    const err = await failure(exec(conn, 'GRANT FROB ON TABLE SALES.PUBLIC.ORDERS TO ROLE ANALYST'));
    expect(err).toMatchObject({ code: '001003', sqlState: '42000' });
    expect(err.message).toContain("unexpected 'FROB'");
  });

  it('grants on all tables in a schema, and never on its views', async () => {
    await exec(conn, 'GRANT SELECT ON ALL TABLES IN SCHEMA SALES.PUBLIC TO ROLE ENGINEER');
    const granted = emulator.account
      .grants()
      .filter((g) => g.to === 'ENGINEER' && g.on.name.startsWith('SALES.PUBLIC.'))
      .map((g) => g.on.name);
    expect(granted.sort()).toEqual(
      [
        'SALES.PUBLIC.CUSTOMERS',
        'SALES.PUBLIC.ORDERS',
        'SALES.PUBLIC.Y',
        `SALES.PUBLIC."Orders"`,
        `SALES.PUBLIC."${INJECTION.replaceAll('"', '""')}"`,
      ].sort(),
    );
  });

  it('transfers OWNERSHIP with GRANT OWNERSHIP, leaving one owner', async () => {
    await exec(conn, 'GRANT OWNERSHIP ON TABLE SALES.PUBLIC.ORDERS TO ROLE ENGINEER COPY CURRENT GRANTS');
    const owners = emulator.account.grantsOn('SALES.PUBLIC.ORDERS').filter((g) => g.privilege === 'OWNERSHIP');
    expect(owners.map((g) => g.to)).toEqual(['ENGINEER']);
    expect((await exec(conn, "SHOW TABLES LIKE 'ORDERS' IN SALES.PUBLIC"))[0]!.owner).toBe('ENGINEER');
  });

  it('takes object names as bindings through IDENTIFIER(?)', async () => {
    await exec(conn, 'GRANT INSERT ON TABLE IDENTIFIER(?) TO ROLE IDENTIFIER(?)', ['SALES.PUBLIC."Orders"', 'ANALYST']);
    expect(emulator.account.grantsOn('SALES.PUBLIC."Orders"').map((g) => [g.privilege, g.to])).toEqual([
      ['INSERT', 'ANALYST'],
    ]);
  });

  it('describes a table and selects its (empty) rows by column', async () => {
    const rows = await exec(conn, 'DESCRIBE TABLE SALES.PUBLIC.ORDERS');
    expect(rows.map((r) => [r.name, r.type, r['null?']])).toEqual([
      ['ORDER_ID', 'NUMBER(38,0)', 'N'],
      ['STATUS', 'VARCHAR(20)', 'Y'],
    ]);
    expect(await exec(conn, 'SELECT ORDER_ID FROM SALES.PUBLIC.ORDERS LIMIT 1')).toEqual([]);
    expect((await failure(exec(conn, 'SELECT * FROM SALES.PUBLIC.NOPE'))).code).toBe('002003');
  });

  it('creates a role only when missing with IF NOT EXISTS', async () => {
    await exec(conn, 'CREATE ROLE IF NOT EXISTS "data_steward"');
    await exec(conn, 'CREATE ROLE IF NOT EXISTS "data_steward"');
    expect(emulator.account.role('data_steward')).toBeDefined();
    expect((await failure(exec(conn, 'CREATE ROLE ANALYST'))).code).toBe('002002');
  });
});

describe('Snowflake emulator: identifiers', () => {
  it('folds unquoted names to upper case and keeps quoted names exact', async () => {
    await exec(conn, 'GRANT SELECT ON TABLE sales."PUBLIC"."Orders" TO ROLE ANALYST');
    expect(emulator.account.grantsOn('SALES.PUBLIC."Orders"')).toHaveLength(1);
    expect(emulator.account.grantsOn('SALES.PUBLIC.ORDERS').filter((g) => g.to === 'ANALYST')).toHaveLength(1);
    expect((await failure(exec(conn, 'GRANT SELECT ON TABLE SALES.PUBLIC."orders" TO ROLE ANALYST'))).code).toBe(
      '002003',
    );
  });

  it('handles a table named like an injection as one quoted name and runs no injected statement', async () => {
    const quoted = `"${INJECTION.replaceAll('"', '""')}"`;
    await exec(conn, `GRANT SELECT ON TABLE SALES.PUBLIC.${quoted} TO ROLE ANALYST`);
    const rows = await exec(conn, `SHOW GRANTS ON TABLE SALES.PUBLIC.${quoted}`);
    expect(rows.map((r) => r.name)).toEqual([`SALES.PUBLIC.${quoted}`]);
    expect(emulator.control.statements().map((s) => s.sql)).toEqual([
      `GRANT SELECT ON TABLE SALES.PUBLIC.${quoted} TO ROLE ANALYST`,
      `SHOW GRANTS ON TABLE SALES.PUBLIC.${quoted}`,
    ]);
    expect(emulator.account.table('SALES', 'PUBLIC', 'Y')).toBeDefined();
  });
});

describe('Snowflake emulator: multi-statement requests', () => {
  it('runs each statement, logs each and serves each result by id', async () => {
    emulator.control.reset();
    const results = await execMulti(
      conn,
      'GRANT USAGE ON SCHEMA SALES.FINANCE TO ROLE ANALYST; SHOW GRANTS ON SCHEMA SALES.FINANCE',
      2,
    );
    expect(results[0]).toEqual([{ status: 'Statement executed successfully.' }]);
    expect(results[1]!.map((r) => r.grantee_name)).toEqual(['ANALYST']);
    expect(emulator.control.statements().map((s) => s.sql)).toEqual([
      'GRANT USAGE ON SCHEMA SALES.FINANCE TO ROLE ANALYST',
      'SHOW GRANTS ON SCHEMA SALES.FINANCE',
    ]);
    expect(emulator.control.roundTrips()).toBe(3); // the request and two result fetches
  });

  it('stops at the first failing statement and fails the request with its error', async () => {
    const err = await failure(
      execMulti(
        conn,
        'GRANT INSERT ON TABLE SALES.PUBLIC.ORDERS TO ROLE ANALYST; GRANT SELECT ON TABLE SALES.PUBLIC.NOPE TO ROLE ANALYST; GRANT UPDATE ON TABLE SALES.PUBLIC.ORDERS TO ROLE ANALYST',
        3,
      ),
    );
    expect(err.code).toBe('002003');
    expect(emulator.control.statements().map((s) => s.ok)).toEqual([true, false]);
    expect(
      emulator.account
        .grantsOn('SALES.PUBLIC.ORDERS')
        .filter((g) => g.to === 'ANALYST')
        .map((g) => g.privilege)
        .sort(),
    ).toEqual(['INSERT', 'SELECT']);
  });

  it('refuses several statements sent as one with 000008', async () => {
    const err = await failure(exec(conn, 'SELECT 1; SELECT 2'));
    expect(err).toMatchObject({ code: '000008' });
    expect(err.message).toBe('Actual statement count 2 did not match the desired statement count 1.');
  });
});

describe('Snowflake emulator: Snowflake Scripting blocks', () => {
  it('runs a BEGIN ... END block in one round trip, logging each statement', async () => {
    emulator.control.reset();
    const quoted = `"${INJECTION.replaceAll('"', '""')}"`;
    const rows = await exec(
      conn,
      `BEGIN\n  GRANT SELECT ON TABLE SALES.PUBLIC.${quoted} TO ROLE "ANALYST";\n  REVOKE SELECT ON TABLE SALES.PUBLIC.CUSTOMERS FROM ROLE "ENGINEER";\nEND;`,
    );
    expect(rows).toEqual([{ 'anonymous block': null }]);
    expect(emulator.control.roundTrips()).toBe(1);
    expect(emulator.control.statements().map((s) => s.sql)).toEqual([
      `GRANT SELECT ON TABLE SALES.PUBLIC.${quoted} TO ROLE "ANALYST"`,
      'REVOKE SELECT ON TABLE SALES.PUBLIC.CUSTOMERS FROM ROLE "ENGINEER"',
    ]);
    expect(emulator.account.grantsOn(`SALES.PUBLIC.${quoted}`).map((g) => g.to)).toEqual(['ANALYST']);
    expect(emulator.account.grantsOn('SALES.PUBLIC.CUSTOMERS')).toEqual([]);
  });

  it("keeps a policy body's CASE ... END inside a block and names the script in each statement's log entry", async () => {
    emulator.control.reset();
    const script = `BEGIN\n  CREATE SCHEMA IF NOT EXISTS SALES.GOV;\n  CREATE MASKING POLICY SALES.GOV.M AS (val VARCHAR) RETURNS VARCHAR -> CASE WHEN TRUE THEN NULL ELSE val END;\n  DROP MASKING POLICY SALES.GOV.M;\nEND;`;
    expect(await exec(conn, script)).toEqual([{ 'anonymous block': null }]);
    expect(emulator.control.statements().map((s) => [s.sql.split(' ').slice(0, 3).join(' '), s.ok, s.script])).toEqual([
      ['CREATE SCHEMA IF', true, script],
      ['CREATE MASKING POLICY', true, script],
      ['DROP MASKING POLICY', true, script],
    ]);
    await exec(conn, 'SELECT 1');
    expect(emulator.control.statements().at(-1)!.script).toBeUndefined();
  });

  it('runs EXECUTE IMMEDIATE $$ ... $$ and stops a block at its first failure, keeping the error code', async () => {
    const err = await failure(
      exec(
        conn,
        `EXECUTE IMMEDIATE $$
BEGIN
  GRANT INSERT ON TABLE SALES.PUBLIC.ORDERS TO ROLE ANALYST;
  GRANT SELECT ON TABLE SALES.PUBLIC.GONE TO ROLE ANALYST;
  GRANT UPDATE ON TABLE SALES.PUBLIC.ORDERS TO ROLE ANALYST;
END;
$$`,
      ),
    );
    expect(err).toMatchObject({ code: '002003', sqlState: '02000' });
    expect(err.message).toMatch(
      /^Uncaught exception of type 'STATEMENT_ERROR' on line 4 at position 2 : SQL compilation error:\nTable 'SALES.PUBLIC.GONE'/,
    );
    expect(emulator.control.statements().map((s) => s.ok)).toEqual([true, false]);
    expect(
      emulator.account
        .grantsOn('SALES.PUBLIC.ORDERS')
        .filter((g) => g.to === 'ANALYST')
        .map((g) => g.privilege)
        .sort(),
    ).toEqual(['INSERT', 'SELECT']);
  });
});

describe('Snowflake emulator: control API', () => {
  it('fails the nth statement once with the injected error', async () => {
    emulator.control.failStatement(
      { nth: 2, pattern: '^GRANT' },
      { code: '000625', message: 'Statement reached its statement or warehouse timeout', sqlState: '57014' },
    );
    await exec(conn, 'GRANT INSERT ON TABLE SALES.PUBLIC.ORDERS TO ROLE ANALYST');
    await exec(conn, 'SELECT 1');
    expect(await failure(exec(conn, 'GRANT UPDATE ON TABLE SALES.PUBLIC.ORDERS TO ROLE ANALYST'))).toMatchObject({
      code: '000625',
      sqlState: '57014',
    });
    await exec(conn, 'GRANT DELETE ON TABLE SALES.PUBLIC.ORDERS TO ROLE ANALYST');
    expect(emulator.control.statements().map((s) => s.ok)).toEqual([true, true, false, true]);
    expect(emulator.account.grantsOn('SALES.PUBLIC.ORDERS').map((g) => g.privilege)).not.toContain('UPDATE');
  });

  it('refuses logins while asked to and keeps existing sessions', async () => {
    emulator.control.refuseLogins(true);
    expect((await failure(connect(emulator))).code).toBe('390101');
    await exec(conn, 'SELECT 1');
    emulator.control.refuseLogins(false);
    await close(await connect(emulator));
  });

  it('drops an object right after a matching statement, as a concurrent DROP would', async () => {
    emulator.control.dropBetween('TABLE_PRIVILEGES', 'SALES.PUBLIC.CUSTOMERS');
    await exec(conn, "SELECT * FROM SALES.INFORMATION_SCHEMA.TABLE_PRIVILEGES WHERE TABLE_NAME = 'CUSTOMERS'");
    const err = await failure(exec(conn, 'GRANT SELECT ON TABLE SALES.PUBLIC.CUSTOMERS TO ROLE ANALYST'));
    expect(err.code).toBe('002003');
    expect(emulator.account.grantsOn('SALES.PUBLIC.CUSTOMERS')).toEqual([]);
  });

  it('adds latency to query round trips and counts them, login excluded', async () => {
    emulator.control.reset();
    emulator.control.setLatency(150);
    const started = Date.now();
    await exec(conn, 'SELECT 1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    emulator.control.setLatency(0);
    await close(await connect(emulator));
    expect(emulator.control.roundTrips()).toBe(1);
    expect(emulator.control.statements()).toEqual([{ sql: 'SELECT 1', ok: true, at: expect.any(String) }]);
    emulator.control.reset();
    expect([emulator.control.roundTrips(), emulator.control.statements()]).toEqual([0, []]);
  });

  it('offers the same operations over HTTP under /__emulator/', async () => {
    const post = (op: string, body: unknown): Promise<Response> =>
      fetch(`${emulator.url}/__emulator/${op}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('reset', {})).status).toBe(200);
    expect((await post('fail', { nth: 1, error: { code: '000630', message: 'injected' } })).status).toBe(200);
    expect((await failure(exec(conn, 'SELECT 1'))).code).toBe('000630');
    expect(await (await fetch(`${emulator.url}/__emulator/statements`)).json()).toMatchObject({
      statements: [{ sql: 'SELECT 1', ok: false, error: 'injected' }],
    });
    expect(await (await fetch(`${emulator.url}/__emulator/round-trips`)).json()).toEqual({ roundTrips: 1 });
    expect(
      (await post('drop-between', { afterStatementMatching: '^SELECT 2$', objectFqn: 'SALES.FINANCE' })).status,
    ).toBe(200);
    await exec(conn, 'SELECT 2');
    expect(emulator.account.schema('SALES', 'FINANCE')).toBeUndefined();
    expect((await post('latency', { ms: 0 })).status).toBe(200);
    expect((await post('refuse-logins', { on: true })).status).toBe(200);
    expect((await failure(connect(emulator))).code).toBe('390101');
    const bad = await post('refuse-logins', { on: 'yes' });
    expect([bad.status, bad.headers.get('content-type')]).toEqual([400, 'application/problem+json']);
  });
});

describe('Snowflake emulator: counts and ranges of names', () => {
  it('counts tables per schema with GROUP BY, counts with no row at all, and orders and compares names by code point', async () => {
    const listed = await exec(conn, 'SELECT TABLE_SCHEMA FROM SALES.INFORMATION_SCHEMA.TABLES');
    const perSchema = new Map<string, number>();
    for (const r of listed) perSchema.set(String(r.TABLE_SCHEMA), (perSchema.get(String(r.TABLE_SCHEMA)) ?? 0) + 1);
    const grouped = await exec(
      conn,
      'SELECT TABLE_SCHEMA, COUNT(*) AS N FROM SALES.INFORMATION_SCHEMA.TABLES GROUP BY TABLE_SCHEMA',
    );
    expect(new Map(grouped.map((r) => [String(r.TABLE_SCHEMA), r.N]))).toEqual(perSchema);
    expect(
      await exec(conn, 'SELECT COUNT(*) AS N FROM SALES.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ?', ['NOPE']),
    ).toEqual([{ N: 0 }]);

    // U+FF5E sorts before U+1F600 by code point (Snowflake's order), after it by UTF-16 code unit.
    const schema = emulator.account.schema('SALES', 'FINANCE')!;
    for (const name of ['\u{1F600}', '\u{FF5E}'])
      emulator.account.addTable(schema, { name, kind: 'TABLE', columns: [], comment: null, text: null });
    const names = async (sql: string, binds: string[]) =>
      (await exec(conn, sql, binds)).map((r) => String(r.TABLE_NAME));
    expect(
      await names(
        "SELECT TABLE_NAME FROM SALES.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'FINANCE' AND TABLE_NAME >= ? ORDER BY TABLE_NAME",
        ['\u{FF00}'],
      ),
    ).toEqual(['\u{FF5E}', '\u{1F600}']);
    expect(
      await names(
        "SELECT TABLE_NAME FROM SALES.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'FINANCE' AND TABLE_NAME < ?",
        ['\u{1F600}'],
      ),
    ).toEqual(['INVOICES', '\u{FF5E}']);
  });
});

describe('the Snowflake emulator at the size of a large account', () => {
  const SCHEMAS = 500;
  const TABLES = 100;
  const wide: SnowflakeCatalog = {
    databases: [
      {
        name: 'BIG',
        schemas: Array.from({ length: SCHEMAS }, (_, s) => ({
          name: `S${s}`,
          tables: Array.from({ length: TABLES }, (_, t) => ({
            name: `T${t}`,
            kind: 'TABLE' as const,
            columns: [{ name: 'A', type: 'VARCHAR' }],
          })),
        })),
      },
    ],
    roles: [{ name: 'READER' }, { name: 'WRITER' }, { name: 'LATE' }],
    grants: [],
  };

  // A full sync grants on every table, one schema per request, each read first: when a GRANT or that read scans
  // every grant in the account, the emulator's work grows with the square of the catalog and becomes the bench's
  // bottleneck instead of the service it measures. Seeding 100,000 grants alone took minutes that way.
  it("costs a GRANT and a schema's TABLE_PRIVILEGES read that schema's grants, not the account's", async () => {
    const big = await startSnowflakeEmulator({ catalog: wide });
    const c = await connect(big);
    try {
      for (let s = 0; s < SCHEMAS; s++)
        for (let t = 0; t < TABLES; t++)
          for (const grantee of ['READER', 'WRITER'])
            big.account.grant({
              privilege: 'SELECT',
              on: { type: 'TABLE', path: ['BIG', `S${s}`, `T${t}`] },
              grantee,
              grantedBy: 'SYSADMIN',
              grantOption: false,
            });
      for (let s = 0; s < 20; s++) {
        const grants = Array.from({ length: TABLES }, (_, t) => `GRANT SELECT ON TABLE BIG.S${s}.T${t} TO ROLE LATE;`);
        await exec(c, `BEGIN\n${grants.join('\n')}\nEND;`);
        const rows = await exec(
          c,
          'SELECT GRANTEE FROM BIG.INFORMATION_SCHEMA.TABLE_PRIVILEGES WHERE TABLE_SCHEMA = ?',
          [`S${s}`],
        );
        expect(rows).toHaveLength(3 * TABLES);
      }
    } finally {
      await close(c);
      await big.stop();
    }
    // No timed assertion: a few seconds here, while an emulator that scans the account per GRANT runs past this limit.
  }, 120_000);
});
