import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databricksModule } from '../../shared/connectors/databricks/module.js';
import { openApiDocument } from '../../shared/http/openapi.js';
import { type ChildHost, startChildHost } from '../support/child-host.js';

let host: ChildHost;
beforeAll(async () => {
  host = await startChildHost({ CONNECTOR_KIND: 'databricks_unity_catalog' });
}, 60_000);
afterAll(async () => {
  await host?.stop();
});

describe('npm start with CONNECTOR_KIND=databricks_unity_catalog', () => {
  it('serves the Databricks demo: the printed curl turns main.sales.orders grants into what the demo policies say', async () => {
    const { stdout } = await promisify(execFile)('bash', ['-c', host.curl]);
    const { taskId } = JSON.parse(stdout) as { taskId: string };
    const deadline = Date.now() + 20_000;
    let task: Record<string, any>;
    do {
      await new Promise((r) => setTimeout(r, 100));
      task = (await (
        await fetch(`${host.apiUrl}/tasks/${taskId}`, { headers: { Authorization: `Bearer ${host.token}` } })
      ).json()) as Record<string, any>;
    } while (!['SUCCESS', 'FAILED', 'SKIPPED'].includes(task.status) && Date.now() < deadline);
    expect(task.status).toBe('SUCCESS');
    const changes = task.resources[0].changes;
    expect(changes.granted.join('\n')).toMatch(/alice@example\.com/);
    expect(changes.revoked.join('\n')).toMatch(/MODIFY .*bob@example\.com/);
  });

  it('runs every documented example payload as-is on the demo', async () => {
    const examples =
      openApiDocument(databricksModule).paths['/v1/task'].post.requestBody.content['application/json'].examples;
    const documented = Object.values(examples)
      .map(
        (e) =>
          e.value as { type: string; requestInfo: { resources?: { type: string; values: Record<string, string> }[] } },
      )
      .filter((v) => v.type === 'RESOURCE_SYNC');
    expect(documented.map((v) => Object.values(v.requestInfo.resources![0]!.values).join('.'))).toEqual([
      'hr_catalog.employee_data.employees',
      'main.sales.revenue_by_region',
    ]);
    for (const body of documented) {
      const answer = await fetch(`${host.apiUrl}/task`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json', Prefer: 'wait=30' },
        body: JSON.stringify(body),
      });
      const task = (await answer.json()) as Record<string, any>;
      expect(task.status, JSON.stringify(task.resources)).toBe('SUCCESS');
      expect(task.resources[0].changes.granted.join('\n')).toMatch(/SELECT ON (TABLE|VIEW) /);
    }
  });
});
