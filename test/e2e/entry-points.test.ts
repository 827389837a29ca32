import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildHost, startChildHost } from '../support/child-host.js';

let host: ChildHost;
beforeAll(async () => {
  host = await startChildHost({ CONNECTOR_KIND: 'memory', CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED: 'false' });
}, 60_000);
afterAll(async () => {
  await host?.stop();
});

describe('entry-point flags', () => {
  it('answers 404 on the task routes when the API server flag is off, while health says so', async () => {
    const auth = { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' };
    expect((await fetch(`${host.apiUrl}/task`, { method: 'POST', headers: auth, body: '{}' })).status).toBe(404);
    expect((await fetch(`${host.apiUrl}/tasks/123`, { headers: auth })).status).toBe(404);
    const health = (await (await fetch(`${host.apiUrl}/health`)).json()) as { api: boolean; eventHub: boolean };
    expect(health).toMatchObject({ api: false, eventHub: false });
  });
});
