import { spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHost, startLocalHost } from '../../dev/host/local-host.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

let host: LocalHost;
let token: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `policysync <args>` as a child process, the way a user runs it; POLICYSYNC_* point at the local host. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
      cwd: REPO,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        POLICYSYNC_URL: host.apiUrl,
        POLICYSYNC_TOKEN: token,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A port nobody listens on: one the OS just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const emulator = async (op: string, body: unknown) => {
  const r = await fetch(`${host.emulatorUrl}/__emulator/${op}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(r.status).toBe(200);
};
const writes = async () =>
  (
    (await (await fetch(`${host.emulatorUrl}/__emulator/statements`)).json()) as { statements: { sql: string }[] }
  ).statements.filter((s) => /^\s*(GRANT|REVOKE|BEGIN|EXECUTE)/i.test(s.sql));

beforeAll(async () => {
  host = await startLocalHost({ port: 0, log: () => undefined, env: { CONNECTOR_KIND: 'snowflake' } });
}, 60_000);
afterAll(async () => {
  await host?.stop();
});

describe('policysync against the local host (Snowflake emulator, demo catalog)', () => {
  it('token: mints a token for the configured JWT_SECRET that the host accepts', async () => {
    const run = await cli(['token', '--ttl', '600'], { JWT_SECRET: host.env.JWT_SECRET, POLICYSYNC_TOKEN: undefined });
    expect(run.code).toBe(0);
    token = run.stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const json = await cli(['token', '--json'], { JWT_SECRET: host.env.JWT_SECRET });
    expect(JSON.parse(json.stdout)).toMatchObject({ token: expect.any(String), expiresIn: 3600 });
  });

  it('plan: shows the plan as an aligned table, exits 0 and applies nothing', async () => {
    await fetch(`${host.emulatorUrl}/__emulator/reset`, { method: 'POST' });
    const run = await cli(['plan', 'table', 'SALES.PUBLIC.ORDERS', 'schema', 'SALES.FINANCE']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('table SALES.PUBLIC.ORDERS: 3 change(s), 3 grant(s) unchanged');
    const header = lines.find((l) => l.startsWith('  OP '))!;
    expect(header).toMatch(/^ {2}OP +OBJECT +PRINCIPAL +PRIVILEGES +REASON$/);
    const orders = lines.find((l) =>
      /^ {2}GRANT +table SALES\.PUBLIC\.ORDERS +role ENGINEER +INSERT, SELECT +policy 12$/.test(l),
    );
    const invoices = lines.find((l) =>
      /^ {2}GRANT +table SALES\.FINANCE\.INVOICES +role FINANCE_READER +UPDATE +policy 11$/.test(l),
    );
    for (const row of [orders, invoices]) {
      expect(row).toBeDefined();
      for (const column of ['OBJECT', 'PRINCIPAL', 'PRIVILEGES', 'REASON']) {
        const at = header.indexOf(column);
        expect(row![at - 1], `${column} column of ${row}`).toBe(' ');
        expect(row![at], `${column} column of ${row}`).not.toBe(' ');
      }
    }
    expect(run.stdout).toMatch(/task \d+ SUCCESS: .* — dry run, nothing applied/);
    expect(await writes()).toEqual([]);
  });

  it('plan --json: stdout is the dry-run task as JSON and nothing else', async () => {
    const run = await cli(['plan', 'table', 'SALES.PUBLIC.ORDERS', '--json']);
    expect(run.code).toBe(0);
    const task = JSON.parse(run.stdout);
    expect(task).toMatchObject({ status: 'SUCCESS', dryRun: true });
    expect(task.resources[0].changes.plan).toContainEqual({
      op: 'GRANT',
      object: 'table SALES.PUBLIC.ORDERS',
      principal: 'role ENGINEER',
      privileges: ['INSERT', 'SELECT'],
      reason: 'policy 12',
    });
  });

  it('sync --wait: a progress line per resource, the changes at the end, exit 0', async () => {
    const run = await cli(['sync', 'table', 'sales.public.orders', '--wait']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SUCCESS  table sales.public.orders  3 grant(s), 0 revoke(s) applied');
    expect(run.stdout).toContain('  granted  INSERT, SELECT ON TABLE SALES.PUBLIC.ORDERS TO ROLE ENGINEER');
    expect(run.stdout).toMatch(/task \d+ SUCCESS: 1 resource\(s\) synced/);
    expect((await writes()).length).toBeGreaterThan(0);
  });

  it('sync --json: a quoted name reaches Snowflake exactly, and a quoted name that does not exist is SKIPPED (exit 3)', async () => {
    const exact = await cli(['--json', 'sync', 'table', 'SALES."PUBLIC".ORDERS', '--wait', '30']);
    expect(exact.code).toBe(0);
    const done = JSON.parse(exact.stdout);
    expect(done.resources[0]).toMatchObject({
      values: { database: 'SALES', schema: '"PUBLIC"', table: 'ORDERS' },
      status: 'SUCCESS',
    });

    const missing = await cli(['--json', 'sync', 'table', 'SALES.PUBLIC."Order Items"', '--wait']);
    expect(missing.code).toBe(3);
    const skipped = JSON.parse(missing.stdout);
    expect(skipped.status).toBe('SKIPPED');
    expect(skipped.resources[0]).toMatchObject({
      values: { table: '"Order Items"' },
      message: 'not found: table SALES.PUBLIC."Order Items"',
    });
  });

  it('sync --wait exits 1 when a statement fails, naming the resource', async () => {
    await emulator('fail', {
      pattern: 'GRANT',
      error: { code: '003001', message: 'Insufficient privileges to operate on table' },
    });
    const run = await cli(['sync', 'table', 'SALES.FINANCE.INVOICES', '--wait']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAILED   table SALES.FINANCE.INVOICES');
    expect(run.stdout).toMatch(/task \d+ FAILED/);
  });

  it('sync without --wait prints the task id and exits 0; status --wait follows it to SUCCESS', async () => {
    const submitted = await cli(['sync', 'view', 'SALES.PUBLIC.ORDERS_BY_COUNTRY']);
    expect(submitted.code).toBe(0);
    const taskId = /task (\d+) accepted/.exec(submitted.stdout)?.[1];
    expect(taskId).toBeDefined();
    const status = await cli(['status', taskId!, '--wait']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('view SALES.PUBLIC.ORDERS_BY_COUNTRY: SUCCESS');
    const json = await cli(['status', taskId!, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ taskId, status: 'SUCCESS' });
  });

  it('exits 4 when the wait runs out and the task keeps going; status shows it running, then finished', async () => {
    // 6 s round trips: the task is still running when the second CLI process (a cold start) asks for it.
    await emulator('latency', { ms: 6000 });
    try {
      const run = await cli(['--json', 'sync', 'table', 'SALES.PUBLIC.CUSTOMERS', '--wait', '1']);
      expect(run.code).toBe(4);
      const task = JSON.parse(run.stdout);
      expect(['WAITING', 'INPROGRESS']).toContain(task.status);
      expect(run.stderr).toContain(`follow it with: policysync status ${task.taskId} --wait`);
      expect((await cli(['status', task.taskId])).code).toBe(4);
      await emulator('latency', { ms: 0 });
      const finished = await cli(['status', task.taskId, '--wait', '30']);
      expect(finished.code).toBe(0);
    } finally {
      await emulator('latency', { ms: 0 });
    }
  }, 60_000);

  it('exits 2 with one line for a bad token, an unknown task, an unreachable API and a malformed resource', async () => {
    const auth = await cli(['status', '1'], { POLICYSYNC_TOKEN: 'not-a-token' });
    expect(auth.code).toBe(2);
    expect(auth.stderr).toMatch(/^policysync: HTTP 401 Unauthorized: .* — check --token \/ POLICYSYNC_TOKEN.*\n$/);

    const unknown = await cli(['--json', 'status', '123456789']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({
      error: { code: 'HTTP', status: 404, problem: { title: 'Not Found' } },
    });

    const port = await closedPort();
    const down = await cli(['--url', `http://127.0.0.1:${port}`, 'status', '1']);
    expect(down.code).toBe(2);
    expect(down.stderr).toBe(`policysync: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`);

    const usage = await cli(['sync', 'table', 'SALES.PUBLIC."Order Items']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unterminated "/);
  });

  it('list: the tasks just made, newest first, as a table and as JSON, filtered by status', async () => {
    const json = await cli(['--json', 'list']);
    expect(json.code).toBe(0);
    const { tasks } = JSON.parse(json.stdout) as { tasks: { taskId: string; createdAt: string; dryRun: boolean }[] };
    expect(tasks.length).toBeGreaterThanOrEqual(6);
    expect(tasks.map((t) => t.createdAt)).toEqual(
      tasks
        .map((t) => t.createdAt)
        .sort()
        .reverse(),
    );
    expect(tasks.some((t) => t.dryRun)).toBe(true);

    const failed = await cli(['--json', 'list', '--status', 'FAILED', '--source', 'API']);
    expect(JSON.parse(failed.stdout).tasks.map((t: { status: string }) => t.status)).toEqual(['FAILED']);

    const table = await cli(['list', '--limit', '2']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TASK +STATUS +SOURCE +TYPE +CREATED +MESSAGE$/);
    expect(lines.slice(1).map((l) => l.split(/ +/)[0])).toEqual(tasks.slice(0, 2).map((t) => t.taskId));

    const usage = await cli(['list', '--status', 'DONE']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown status DONE');
  });
});
