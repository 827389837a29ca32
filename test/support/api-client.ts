import { mintToken } from '../../shared/auth/index.js';
import { postTask, type TaskApiDeps } from '../../shared/http/task-api.js';
import { apiRequest } from './problem-shape.js';

export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnop';

export interface ApiClient {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  waitForTerminal(taskId: string, timeoutMs?: number): Promise<Record<string, any>>;
}

export async function apiClient(
  apiUrl: string,
  claims: { issuer?: string; audience?: string } = {},
  secret = TEST_SECRET,
): Promise<ApiClient> {
  const token = await mintToken({ secret, subject: 'test', ...claims });
  const auth = { Authorization: `Bearer ${token}` };
  const client: ApiClient = {
    post: (path, body, headers = {}) =>
      fetch(`${apiUrl}${path}`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (path, headers = {}) => fetch(`${apiUrl}${path}`, { headers: { ...auth, ...headers } }),
    waitForTerminal: async (taskId, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
        const task = (await (await client.get(`/tasks/${taskId}`)).json()) as Record<string, any>;
        if (['SUCCESS', 'FAILED', 'SKIPPED'].includes(task.status)) return task;
        if (Date.now() > deadline) throw new Error(`task ${taskId} still ${task.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    },
  };
  return client;
}

export const tableRequest = (table: string, schema = 'PUBLIC', database = 'SALES') => ({
  type: 'RESOURCE_SYNC',
  requestInfo: { resources: [{ type: 'table', values: { database, schema, table } }] },
});

/** POSTs a one-table sync straight to the API handler (no HTTP server), as `token`'s holder. */
export const postTableSync = (deps: TaskApiDeps, token: string, table: string) =>
  postTask(
    apiRequest(
      'POST',
      'http://localhost/policysync/api/v1/task',
      { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      JSON.stringify(tableRequest(table)),
    ),
    deps,
  );
