/**
 * The task API over fetch: where it is and who we are (flags, else POLICYSYNC_URL / POLICYSYNC_TOKEN), the two
 * calls, and waiting for a task to finish.
 *
 * Waiting uses `Prefer: wait=N` (RFC 7240) in slices of at most 20 s, so no single request nears a gateway's
 * timeout. A server that does not honour the preference answers at once without `Preference-Applied`; then
 * the client polls GET with backoff instead, so `--wait` works against either.
 */
import { randomUUID } from 'node:crypto';
import { type TaskList, TaskListSchema, type TaskView } from '../shared/http/task-view.js';
import { CliError, type Problem } from './cli-error.js';
import { isTerminalStatus } from './exit-status.js';
import type { ResourceRef } from './resource-args.js';

export const API_PATH = '/policysync/api/v1';
/** The longest single `Prefer: wait`: well inside the server's cap and any proxy's idle timeout. */
export const MAX_WAIT_SLICE_SECONDS = 20;
const POLL_START_MS = 100,
  POLL_MAX_MS = 2000;
const ATTEMPTS = 3;

/** The task and its resources as the API shows them: the types the API's own schemas define. */
export type { ResourceView as TaskResource, TaskView } from '../shared/http/task-view.js';

export interface Answer {
  task: TaskView;
  /** The server honoured `Prefer: wait` and the task is terminal. */
  preferenceApplied: boolean;
}

export interface ClientSettings {
  apiUrl: string;
  token: string;
}

/** URL and token from the flags, else the environment; a missing one is a USAGE error that says how to set it. */
export function clientSettings(
  flags: { url?: string; token?: string },
  env: Record<string, string | undefined>,
): ClientSettings {
  const url = flags.url ?? nonBlank(env.POLICYSYNC_URL);
  if (!url) throw new CliError('USAGE', 'no API URL: pass --url or set POLICYSYNC_URL (npm start prints it)');
  const token = flags.token ?? nonBlank(env.POLICYSYNC_TOKEN);
  if (!token)
    throw new CliError(
      'USAGE',
      'no token: pass --token or set POLICYSYNC_TOKEN (policysync token mints one for the configured key)',
    );
  return { apiUrl: apiUrl(url), token: token.trim().replace(/^Bearer\s+/i, '') };
}

/**
 * The API base from what a user pastes: a bare host (`http://localhost:7071`) gets `/policysync/api/v1`, the
 * route prefix gets `/v1`; any other path is taken as given (a gateway that maps its own).
 */
export function apiUrl(written: string): string {
  let url: URL;
  try {
    url = new URL(written.trim());
  } catch {
    throw new CliError('USAGE', `'${written}' is not a URL; give the API as http(s)://host[:port][${API_PATH}]`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError('USAGE', `'${written}' is not an http(s) URL`);
  let path = url.pathname.replace(/\/+$/, '');
  if (path === '') path = API_PATH;
  else if (path.endsWith('/policysync/api')) path += '/v1';
  return `${url.origin}${path}`;
}

export interface ClientOptions {
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class ApiClient {
  private readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly settings: ClientSettings,
    opts: ClientOptions = {},
  ) {
    this.fetch = opts.fetch ?? globalThis.fetch;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** POST a RESOURCE_SYNC task; `waitSeconds` asks the server to answer when it is finished. */
  createTask(
    resources: ResourceRef[],
    opts: { dryRun?: boolean; idempotencyKey?: string; waitSeconds?: number } = {},
  ): Promise<Answer> {
    return this.call(
      'POST',
      `/task${opts.dryRun ? '?dryRun=true' : ''}`,
      {
        body: JSON.stringify({ type: 'RESOURCE_SYNC', requestInfo: { resources } }),
        // The key makes a retried POST (a reset connection, a 503) the same task, never a second one.
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': opts.idempotencyKey ?? randomUUID() },
        waitSeconds: opts.waitSeconds,
      },
      answerOf,
    );
  }

  getTask(taskId: string, waitSeconds?: number): Promise<Answer> {
    return this.call('GET', `/tasks/${encodeURIComponent(taskId)}`, { waitSeconds }, answerOf);
  }

  /** One page of `GET /tasks`; `query` holds the filters and, after the first page, the continuation. */
  listTasks(query: URLSearchParams): Promise<TaskList> {
    return this.call('GET', `/tasks?${query}`, {}, listOf);
  }

  private async call<T>(
    method: string,
    path: string,
    opts: { body?: string; headers?: Record<string, string>; waitSeconds?: number | undefined },
    read: (response: Response, method: string, path: string) => Promise<T>,
  ): Promise<T> {
    const wait = opts.waitSeconds !== undefined && opts.waitSeconds >= 1 ? Math.floor(opts.waitSeconds) : undefined;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.settings.token}`,
      Accept: 'application/json, application/problem+json',
      ...opts.headers,
      ...(wait ? { Prefer: `wait=${wait}` } : {}),
    };
    const url = `${this.settings.apiUrl}${path}`;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetch(url, {
          method,
          headers,
          ...(opts.body !== undefined ? { body: opts.body } : {}),
          signal: AbortSignal.timeout(((wait ?? 0) + 30) * 1000),
        });
      } catch (err) {
        const reason = networkReason(err);
        if (attempt < ATTEMPTS && isRetryableNetworkError(reason)) {
          await this.sleep(250 * 2 ** attempt);
          continue;
        }
        throw new CliError('NETWORK', `cannot reach ${new URL(url).origin}: ${reason}`);
      }
      if ([502, 503, 504].includes(response.status) && attempt < ATTEMPTS) {
        const retryAfter = Number(response.headers.get('retry-after'));
        await response.body?.cancel();
        await this.sleep(
          Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 10) * 1000 : 500 * 2 ** attempt,
        );
        continue;
      }
      return read(response, method, path);
    }
  }
}

/**
 * Follows a task from its first answer until it is terminal or `seconds` (counted from `startedAt`) run out;
 * `onUpdate` sees every version read. Returns the last version read, terminal or not.
 */
export async function awaitTask(
  client: ApiClient,
  first: Answer,
  seconds: number,
  startedAt: number,
  onUpdate: (task: TaskView) => void = () => undefined,
): Promise<TaskView> {
  const deadline = startedAt + seconds * 1000;
  let task = first.task;
  onUpdate(task);
  for (let backoff = POLL_START_MS; !isTerminalStatus(task.status); ) {
    const remaining = deadline - client.now();
    if (remaining <= 0) break;
    const slice = Math.min(MAX_WAIT_SLICE_SECONDS, Math.floor(remaining / 1000));
    const asked = client.now();
    task = (await client.getTask(task.taskId, slice >= 1 ? slice : undefined)).task;
    onUpdate(task);
    if (isTerminalStatus(task.status)) break;
    // A server that held the request for the wait has done the waiting; one that answered at once ignores
    // Prefer (or predates it), so poll it with backoff rather than hammer it.
    const heldFor = client.now() - asked;
    if (slice >= 1 && heldFor >= 900) {
      backoff = POLL_START_MS;
      continue;
    }
    const pause = Math.min(backoff, deadline - client.now());
    if (pause > 0) await client.sleep(pause);
    backoff = Math.min(backoff * 2, POLL_MAX_MS);
  }
  return task;
}

async function answerOf(response: Response, method: string, path: string): Promise<Answer> {
  const text = await response.text();
  const body = parseJson(text);
  if (!response.ok) throw httpError(response, body, text);
  const task = body as TaskView | undefined;
  if (!task || typeof task !== 'object' || typeof task.taskId !== 'string' || typeof task.status !== 'string') {
    throw new CliError(
      'HTTP',
      `${method} ${path} answered ${response.status} without a task (${describeBody(response, text)}); is --url the policysync API?`,
      { status: response.status },
    );
  }
  return { task, preferenceApplied: response.headers.has('preference-applied') };
}

async function listOf(response: Response, method: string, path: string): Promise<TaskList> {
  const text = await response.text();
  const body = parseJson(text);
  if (!response.ok) throw httpError(response, body, text);
  const page = TaskListSchema.safeParse(body);
  if (!page.success) {
    throw new CliError(
      'HTTP',
      `${method} ${path} answered ${response.status} without a page of tasks (${describeBody(response, text)}); is --url the policysync API?`,
      { status: response.status },
    );
  }
  return page.data;
}

/** One line from a problem+json answer: status, title, detail, and each validation issue with its path. */
export function problemLine(status: number, problem: Problem | undefined, fallback = ''): string {
  const head = `HTTP ${status}${problem?.title ? ` ${problem.title}` : ''}`;
  const detail = problem?.detail ?? fallback;
  const issues = (problem?.issues ?? []).map((i) => `${i.path}: ${i.message}`).join('; ');
  return (
    [head, detail]
      .filter(Boolean)
      .join(': ')
      .replace(/\s*\n\s*/g, ' ') + (issues ? ` (${issues})` : '')
  );
}

function httpError(response: Response, body: unknown, text: string): CliError {
  const problem = body && typeof body === 'object' ? (body as Problem) : undefined;
  const line = problemLine(response.status, problem, problem ? '' : describeBody(response, text));
  if (response.status === 401 || response.status === 403) {
    return new CliError(
      'AUTH',
      `${line} — check --token / POLICYSYNC_TOKEN (policysync token mints one for the configured key)`,
      { status: response.status, ...(problem ? { problem } : {}) },
    );
  }
  return new CliError('HTTP', line, { status: response.status, ...(problem ? { problem } : {}) });
}

function describeBody(response: Response, text: string): string {
  const type = response.headers.get('content-type') ?? 'no content type';
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 120);
  return snippet ? `${type}: ${snippet}` : `${response.statusText || 'empty body'}`;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function networkReason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

// A connection cut mid-request may succeed on a second try; refused, unresolvable or timed out will not soon.
const isRetryableNetworkError = (reason: string) =>
  /ECONNRESET|EPIPE|UND_ERR_SOCKET|other side closed|socket hang up/i.test(reason);

function nonBlank(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
