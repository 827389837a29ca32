import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildHost, startChildHost } from '../support/child-host.js';

let host: ChildHost;
beforeAll(async () => {
  host = await startChildHost();
}, 60_000);
afterAll(async () => {
  await host?.stop();
});

const auth = () => ({ Authorization: `Bearer ${host.token}` });

async function waitForTerminal(taskId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const task = (await (await fetch(`${host.apiUrl}/tasks/${taskId}`, { headers: auth() })).json()) as Record<
      string,
      any
    >;
    if (['SUCCESS', 'FAILED', 'SKIPPED'].includes(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`task still ${task.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start, driven over HTTP as a separate process', () => {
  it('runs the printed curl, and the task it returns reaches SUCCESS with the demo grants', async () => {
    const { stdout } = await promisify(execFile)('bash', ['-c', host.curl]);
    const created = JSON.parse(stdout) as { taskId: string };
    const done = await waitForTerminal(created.taskId);
    expect(done.status).toBe('SUCCESS');
    expect(done.resources[0].changes.granted.join('\n')).toMatch(
      /INSERT, SELECT ON TABLE SALES.PUBLIC.ORDERS TO ROLE ENGINEER/,
    );
  });

  it('answers the doctor for a verified caller only, with the demo account checked end to end', async () => {
    const anonymous = await fetch(`${host.apiUrl}/doctor`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const answer = await fetch(`${host.apiUrl}/doctor`, { headers: auth() });
    expect(answer.status).toBe(200);
    const report = (await answer.json()) as { status: string; checks: { name: string; status: string }[] };
    const status = Object.fromEntries(report.checks.map((c) => [c.name, c.status]));
    expect(status).toMatchObject({
      storage: 'OK',
      'policy source': 'OK',
      'warehouse sign-in': 'OK',
      'snowflake warehouse': 'OK',
      'MANAGE GRANTS': 'OK',
      visibility: 'OK',
    });
    // The demo runs as SYSADMIN without SNOWFLAKE_ROLE: honest warnings, no failure.
    expect(report.status).toBe('WARN');
  });

  it('serves its OpenAPI document without a token', async () => {
    const answer = await fetch(`${host.apiUrl}/openapi.json`);
    expect(answer.status).toBe(200);
    const doc = (await answer.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/task');
  });

  it('stops cleanly on Ctrl-C', async () => {
    const code = await host.stop();
    expect(code).toBe(0);
    expect(host.output()).toContain('stopping');
  });
});
