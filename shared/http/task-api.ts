import type { VerifiedCaller, Verifier } from '../auth/index.js';
import { createTask, type IntakeDeps } from '../intake/create-task.js';
import { callerKey, IdempotencyKeyReusedError, requestFingerprint } from '../intake/idempotency.js';
import type { Log } from '../log.js';
import { isStorageRefused, isStorageUnavailable } from '../store/errors.js';
import type { StoredTask } from '../store/task-store.js';
import { issuesOf } from '../task/issues.js';
import { isTerminal } from '../task/status.js';
import { TASK_ID_PATTERN } from '../task/task-id.js';
import { parseTaskRequest } from '../task/task-request.js';
import { inRequestSpan } from '../telemetry/request-span.js';
import { authProblem } from './auth-problem.js';
import { awaitTerminal, preferredWait } from './prefer-wait.js';
import { problem } from './problem.js';
import { taskView } from './task-view.js';
import type { ApiRequest, ApiResponse } from './types.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const TASKS_PATH = '/policysync/api/v1/tasks';
const TASK_PATH = '/policysync/api/v1/task';

export interface TaskApiDeps extends IntakeDeps {
  verify: Verifier;
  log: Log;
}

/**
 * For a host that builds storage on first use (the Function App): `storage` is called only after the caller is
 * verified, so anonymous requests cost no storage request, and storage failing cannot turn them into errors.
 */
export interface LazyTaskApiDeps {
  verify: Verifier;
  log: Log;
  storage: () => Promise<IntakeDeps>;
}

/** `POST /policysync/api/v1/task`: authenticate, validate, store, enqueue; 202 with the task and its Location. */
export function postTask(req: ApiRequest, deps: TaskApiDeps | LazyTaskApiDeps): Promise<ApiResponse> {
  return inRequestSpan('POST', TASK_PATH, () => createFromRequest(req, deps));
}

function createFromRequest(req: ApiRequest, deps: TaskApiDeps | LazyTaskApiDeps): Promise<ApiResponse> {
  return authenticated(req, deps, async (caller, deps) => {
    const type = req.headers.get('content-type') ?? '';
    if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type)) {
      return problem(415, 'unsupported-media-type', 'Unsupported Media Type', 'send the task as application/json');
    }
    const declared = Number(req.headers.get('content-length') ?? 0);
    if (declared > MAX_BODY_BYTES) return tooLarge();
    const text = await req.text();
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) return tooLarge();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      return problem(400, 'invalid-json', 'Bad Request', `the body is not valid JSON: ${(err as Error).message}`, {
        issues: [{ path: '$', message: 'not valid JSON' }],
      });
    }
    const parsed = parseTaskRequest(body);
    if (!parsed.success) {
      return problem(
        400,
        'invalid-request',
        'Bad Request',
        'the task request does not match the RESOURCE_SYNC, POLICY_SYNC or PRINCIPAL_SYNC schema',
        { issues: issuesOf(parsed.error) },
      );
    }
    const idempotencyKey = req.headers.get('idempotency-key') ?? undefined;
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 255)) {
      return problem(400, 'invalid-request', 'Bad Request', 'Idempotency-Key must be 1 to 255 characters', {
        issues: [{ path: 'header:Idempotency-Key', message: 'length 1..255' }],
      });
    }
    const dryRun = new URL(req.url, 'http://localhost').searchParams.get('dryRun') === 'true';
    const { task, duplicate } = await createTask(
      deps,
      { request: parsed.data },
      {
        source: 'API',
        dryRun,
        ...(idempotencyKey
          ? {
              idempotencyKey: callerKey(caller.subject, idempotencyKey),
              fingerprint: requestFingerprint(parsed.data, dryRun),
            }
          : {}),
      },
    );
    deps.log('info', duplicate ? 'duplicate task request' : 'task created', {
      taskId: task.header.taskId,
      status: task.header.status,
    });
    const location = { Location: `${TASKS_PATH}/${task.header.taskId}` };
    const waited = await waitedAnswer(req, deps, task, location);
    if (waited) return waited;
    return {
      status: 202,
      headers: location,
      jsonBody: { ...taskView(task.header), ...(duplicate ? { duplicate: true } : {}) },
    };
  });
}

/** `GET /policysync/api/v1/tasks/{taskId}`: the task and every resource's outcome. */
export async function getTask(req: ApiRequest, deps: TaskApiDeps | LazyTaskApiDeps): Promise<ApiResponse> {
  return authenticated(req, deps, async (_caller, deps) => {
    const taskId = req.params.taskId ?? '';
    const notFound = () =>
      problem(404, 'task-not-found', 'Not Found', `no task with id ${JSON.stringify(taskId.slice(0, 40))}`);
    if (!TASK_ID_PATTERN.test(taskId)) return notFound();
    const task = await deps.store.get(taskId);
    if (!task) return notFound();
    return (
      (await waitedAnswer(req, deps, task)) ?? {
        status: 200,
        jsonBody: taskView(task.header, await deps.store.resources(taskId)),
      }
    );
  });
}

/** Verifies the caller first; only then is storage reached, and every failure becomes a problem answer. */
export async function authenticated(
  req: ApiRequest,
  deps: TaskApiDeps | LazyTaskApiDeps,
  handle: (caller: VerifiedCaller, deps: TaskApiDeps) => Promise<ApiResponse>,
): Promise<ApiResponse> {
  try {
    const caller = await deps.verify(req.headers.get('authorization'));
    const ready = 'storage' in deps ? { ...(await deps.storage()), verify: deps.verify, log: deps.log } : deps;
    return await handle(caller, ready);
  } catch (err) {
    const refused = authProblem(err, deps.log);
    if (refused) return refused;
    if (err instanceof IdempotencyKeyReusedError) {
      return problem(422, 'idempotency-key-reused', 'Unprocessable Content', err.message);
    }
    if (isStorageUnavailable(err)) {
      deps.log('error', 'task storage unavailable', { error: err.message });
      return problem(
        503,
        'storage-unavailable',
        'Service Unavailable',
        'task storage is unavailable; retry shortly',
        {},
        { 'Retry-After': '5' },
      );
    }
    if (isStorageRefused(err)) {
      deps.log('error', 'task storage refused a task', { error: err.message });
      return problem(400, 'storage-refused', 'Bad Request', `${err.message}; this request cannot be stored as it is`);
    }
    deps.log('error', 'unexpected error in the task API', { error: (err as Error).message });
    return problem(
      500,
      'internal',
      'Internal Server Error',
      'an unexpected error occurred; the service log has the details',
    );
  }
}

/** With `Prefer: wait=N`: the finished task (200, Preference-Applied) if it ends within N seconds. */
async function waitedAnswer(
  req: ApiRequest,
  deps: TaskApiDeps,
  task: StoredTask,
  headers: Record<string, string> = {},
): Promise<ApiResponse | undefined> {
  const seconds = preferredWait(req.headers.get('prefer'));
  if (seconds === undefined) return undefined;
  const done = await awaitTerminal(deps.store, task, seconds);
  if (!isTerminal(done.header.status)) return undefined;
  return {
    status: 200,
    headers: { ...headers, 'Preference-Applied': `wait=${seconds}`, Vary: 'Prefer' },
    jsonBody: taskView(done.header, await deps.store.resources(done.header.taskId)),
  };
}

const tooLarge = () =>
  problem(413, 'payload-too-large', 'Payload Too Large', `the body exceeds ${MAX_BODY_BYTES} bytes`);
