import { describe, expect, it } from 'vitest';
import { EXIT, exitStatusOf } from '../../../cli/exit-status.js';
import { main, waitWithoutValue } from '../../../cli/main.js';
import type { Io } from '../../../cli/output.js';

const ENV = { POLICYSYNC_URL: 'http://api.test', POLICYSYNC_TOKEN: 't0k' };

/** Runs the CLI in-process against a scripted server; returns the exit status, the output and the requests. */
async function run(
  args: string[],
  reply: (
    url: string,
    init: RequestInit,
    n: number,
  ) => { status?: number; body: unknown; headers?: Record<string, string> } = () => {
    throw new Error('no request expected');
  },
) {
  let stdout = '',
    stderr = '';
  const requests: { url: string; method: string; prefer?: string }[] = [];
  const io: Io = {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    env: ENV,
    fetch: (async (url: string, init: RequestInit) => {
      requests.push({ url, method: init.method ?? 'GET', prefer: (init.headers as Record<string, string>).Prefer });
      const r = reply(url, init, requests.length);
      return new Response(JSON.stringify(r.body), {
        status: r.status ?? 200,
        headers: { 'Content-Type': 'application/json', ...r.headers },
      });
    }) as unknown as typeof fetch,
  };
  const code = await main(args, io);
  return { code, stdout, stderr, requests };
}

const resource = (status: string) => ({
  type: 'table',
  values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' },
  status,
  message: status === 'PENDING' ? '' : `it is ${status}`,
});
const task = (status: string, resourceStatus = status) => ({
  taskId: '914198696983498752',
  status,
  message: '',
  counts: { resources: 1, succeeded: 0, failed: 0, skipped: 0 },
  resources: [resource(resourceStatus)],
});

describe('exit status by outcome', () => {
  it('maps each task status to its exit status', () => {
    expect(['SUCCESS', 'FAILED', 'SKIPPED', 'INPROGRESS', 'WAITING', 'NEW'].map(exitStatusOf)).toEqual([
      0, 1, 3, 4, 4, 4,
    ]);
  });

  it.each([
    ['SUCCESS', EXIT.SUCCESS],
    ['FAILED', EXIT.FAILED],
    ['SKIPPED', EXIT.SKIPPED],
  ])('exits for a waited sync that ends %s with its status', async (status, code) => {
    const r = await run(['sync', 'table', 'SALES.PUBLIC.ORDERS', '--wait'], () => ({
      body: task(status),
      headers: { 'Preference-Applied': 'wait=20' },
    }));
    expect(r.code).toBe(code);
    expect(r.stdout).toContain(`${status.padEnd(7)}  table SALES.PUBLIC.ORDERS  it is ${status}`);
  });

  it('exits 4 for status of a task that is still running', async () => {
    const r = await run(['status', '914198696983498752'], () => ({ body: task('INPROGRESS', 'PENDING') }));
    expect(r.code).toBe(EXIT.RUNNING);
    expect(r.stdout).toContain('follow it with: policysync status 914198696983498752 --wait');
  });

  it('exits 0 for a sync submitted without waiting, and says how to follow it', async () => {
    const r = await run(['sync', 'table', 'SALES.PUBLIC.ORDERS'], () => ({
      status: 202,
      body: task('WAITING', 'PENDING'),
    }));
    expect(r.code).toBe(EXIT.SUCCESS);
    expect(r.requests[0]!.prefer).toBeUndefined();
    expect(r.stdout).toContain('task 914198696983498752 accepted: WAITING');
  });
});

describe('--wait', () => {
  it('works against a server without Prefer: wait by polling GET until the task ends', async () => {
    const r = await run(['sync', 'table', 'SALES.PUBLIC.ORDERS', '--wait', '10'], (_, __, n) =>
      n === 1
        ? { status: 202, body: task('WAITING', 'PENDING') }
        : { body: n < 4 ? task('INPROGRESS', 'PENDING') : task('SUCCESS') },
    );
    expect(r.code).toBe(EXIT.SUCCESS);
    expect(r.requests.map((q) => q.method)).toEqual(['POST', 'GET', 'GET', 'GET']);
    expect(r.requests[0]!.prefer).toBe('wait=10');
    expect(r.stdout.match(/SUCCESS {2}table SALES\.PUBLIC\.ORDERS/g)).toHaveLength(1); // one progress line
  });

  it('stands alone before a resource or a task id, and takes a number of seconds after it', () => {
    expect(waitWithoutValue(['sync', '--wait', 'table', 'X'])).toEqual(['sync', '--wait=120', 'table', 'X']);
    expect(waitWithoutValue(['status', '--wait', '914198696983498752'])).toEqual([
      'status',
      '--wait=120',
      '914198696983498752',
    ]);
    expect(waitWithoutValue(['sync', 'table', 'X', '--wait'])).toEqual(['sync', 'table', 'X', '--wait=120']);
    expect(waitWithoutValue(['sync', 'table', 'X', '--wait', '30'])).toEqual(['sync', 'table', 'X', '--wait', '30']);
    expect(waitWithoutValue(['sync', '--', '--wait'])).toEqual(['sync', '--', '--wait']);
  });

  it('refuses a wait that is not a number of seconds', async () => {
    const r = await run(['status', '1', '--wait=soon']);
    expect(r.code).toBe(EXIT.ERROR);
    expect(r.stderr).toMatch(/--wait takes a number of seconds, not 'soon'/);
  });
});

describe('usage errors', () => {
  it('exits 2 with one line and sends nothing for a resource it cannot read', async () => {
    const r = await run(['sync', 'table', 'SALES.ORDERS']);
    expect(r.code).toBe(EXIT.ERROR);
    expect(r.stderr).toBe(
      "policysync: table needs database.schema.table, but 'SALES.ORDERS' has 2 parts; like table SALES.PUBLIC.ORDERS\n",
    );
    expect(r.requests).toEqual([]);
  });

  it('with --json, puts the error on stdout as JSON too', async () => {
    const r = await run(['--json', 'plan', 'table', 'SALES.ORDERS']);
    expect(r.code).toBe(EXIT.ERROR);
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: { code: 'USAGE', message: expect.stringMatching(/table needs database\.schema\.table/) },
    });
  });

  it('exits 2 for an unknown option and 0 for --help', async () => {
    expect((await run(['sync', 'table', 'SALES.PUBLIC.ORDERS', '--bogus'])).code).toBe(EXIT.ERROR);
    const help = await run(['--help']);
    expect(help.code).toBe(EXIT.SUCCESS);
    expect(help.stdout).toContain(
      'Exit status: 0 SUCCESS, 1 FAILED, 2 usage, auth, HTTP or network error, 3 SKIPPED, 4 still running.',
    );
  });

  it('shows the help on stderr and exits 2 when no command is given', async () => {
    const r = await run([]);
    expect(r.code).toBe(EXIT.ERROR);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: policysync [options] [command]');
  });

  it('refuses a task id that is not a number before asking the server', async () => {
    const r = await run(['status', 'abc']);
    expect(r.code).toBe(EXIT.ERROR);
    expect(r.stderr).toMatch(/'abc' is not a task id/);
  });
});

describe('--kind', () => {
  it('maps Databricks names to catalog, schema and table', async () => {
    let body: unknown;
    const r = await run(
      ['--kind', 'databricks_unity_catalog', 'sync', 'table', 'main.`my sales`.orders'],
      (_, init) => {
        body = JSON.parse(String(init.body));
        return { status: 202, body: task('WAITING', 'PENDING') };
      },
    );
    expect(r.code).toBe(EXIT.SUCCESS);
    expect(body).toEqual({
      type: 'RESOURCE_SYNC',
      requestInfo: {
        resources: [{ type: 'table', values: { catalog: 'main', schema: '`my sales`', table: 'orders' } }],
      },
    });
  });
});

describe('list', () => {
  const listed = (taskId: string, status: string, message = '') => ({
    taskId,
    type: 'RESOURCE_SYNC',
    status,
    message,
    source: 'API',
    dryRun: false,
    createdAt: '2026-03-10T12:00:00.000Z',
    updatedAt: '2026-03-10T12:00:01.000Z',
    attempt: 1,
    counts: { resources: 1, succeeded: 1, failed: 0, skipped: 0 },
  });

  it('follows the continuation until --limit, asking each page only for what remains', async () => {
    const pages = [
      { tasks: [listed('3', 'SUCCESS'), listed('2', 'FAILED')], continuation: 'c1' },
      { tasks: [listed('1', 'SKIPPED')], continuation: 'c2' },
    ];
    const r = await run(
      ['--json', 'list', '--limit', '3', '--status', 'SUCCESS,FAILED,SKIPPED', '--since', '2h'],
      (_u, _i, n) => ({
        body: pages[n - 1],
      }),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).tasks.map((t: { taskId: string }) => t.taskId)).toEqual(['3', '2', '1']);
    const queries = r.requests.map((q) => new URL(q.url).searchParams);
    expect(r.requests.map((q) => new URL(q.url).pathname)).toEqual([
      '/policysync/api/v1/tasks',
      '/policysync/api/v1/tasks',
    ]);
    expect(queries.map((q) => [q.get('limit'), q.get('continuation'), q.get('status')])).toEqual([
      ['3', null, 'SUCCESS,FAILED,SKIPPED'],
      ['1', 'c1', 'SUCCESS,FAILED,SKIPPED'],
    ]);
    expect(Date.now() - Date.parse(queries[0]!.get('since')!)).toBeGreaterThan(2 * 3_600_000 - 60_000);
  });

  it('stops at the last page and prints a table with aligned columns', async () => {
    const r = await run(['list'], () => ({
      body: { tasks: [listed('914198696983498752', 'SUCCESS', 'synced\nfine'), listed('7', 'INPROGRESS')] },
    }));
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TASK +STATUS +SOURCE +TYPE +CREATED +MESSAGE$/);
    expect(lines[1]).toBe(
      '914198696983498752  SUCCESS     API     RESOURCE_SYNC  2026-03-10T12:00:00.000Z  synced fine',
    );
    expect(lines[2]!.indexOf('INPROGRESS')).toBe(lines[0]!.indexOf('STATUS'));
  });

  it('refuses an unknown status or a bad time before any request, and an answer that is not a page', async () => {
    for (const args of [
      ['list', '--status', 'DONE'],
      ['list', '--since', 'yesterday'],
      ['list', '--limit', '0'],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(EXIT.ERROR);
      expect(r.requests).toEqual([]);
    }
    const r = await run(['list'], () => ({ body: { taskId: '1' } }));
    expect(r.code).toBe(EXIT.ERROR);
    expect(r.stderr).toContain('without a page of tasks');
  });
});
