import type { HttpFunctionOptions, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { createVerifier, type Verifier } from '../shared/auth/index.js';
import { UnresolvedSettingsError } from '../shared/config.js';
import { problem } from '../shared/http/problem.js';
import { getTask, type LazyTaskApiDeps, postTask } from '../shared/http/task-api.js';
import { getTasks } from '../shared/http/task-list.js';
import type { ApiRequest, ApiResponse } from '../shared/http/types.js';
import type { IntakeDeps } from '../shared/intake/create-task.js';
import { appConfig, appServices, contextLog } from './services.js';

export const toHttp = (r: ApiResponse): HttpResponseInit => ({
  status: r.status,
  headers: r.headers ?? {},
  ...(r.jsonBody !== undefined ? { jsonBody: r.jsonBody } : {}),
});

/** Storage is built on first use by an authenticated request, never by an anonymous one. */
async function storage(): Promise<IntakeDeps> {
  const s = await appServices();
  return { store: s.store, queue: s.queue, warehouse: s.config.warehouse.module, instance: s.config.instance };
}

/** The task API's routes, each verified (see `verified`). */
export function taskApiFunctions(): {
  createTask: HttpFunctionOptions;
  listTasks: HttpFunctionOptions;
  getTask: HttpFunctionOptions;
} {
  const route =
    (handle: (req: ApiRequest, deps: LazyTaskApiDeps) => Promise<ApiResponse>) =>
    (verify: Verifier) =>
    (request: HttpRequest, context: InvocationContext) =>
      handle(request, { verify, log: contextLog(context), storage });
  return {
    createTask: { route: 'v1/task', methods: ['POST'], authLevel: 'anonymous', handler: verified(route(postTask)) },
    // A path of its own: `v1/tasks/{taskId}` needs a segment after `tasks`, so the two never match one URL.
    listTasks: {
      route: 'v1/tasks',
      methods: ['GET'],
      authLevel: 'anonymous',
      handler: verified(route((req, deps) => getTasks(req, deps, { retentionDays: appConfig().retentionDays }))),
    },
    getTask: {
      route: 'v1/tasks/{taskId}',
      methods: ['GET'],
      authLevel: 'anonymous',
      handler: verified(route(getTask)),
    },
  };
}

/**
 * An authenticated route's handler. Its verifier is built here, from the settings alone, when the route is
 * registered: a key that cannot be used stops start-up, and each request is verified before anything touches
 * storage. While a Key Vault reference has not resolved (the JWT key's, on a first start), the route answers 503 and
 * names the settings, so the app starts, health says what it waits for, and a refresh of the references recovers it.
 */
export function verified(
  handle: (verify: Verifier) => (request: HttpRequest, context: InvocationContext) => Promise<ApiResponse>,
): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  const config = appConfig();
  const waiting =
    config.unresolvedSettings.length > 0 ? new UnresolvedSettingsError(config.unresolvedSettings) : undefined;
  const serve = waiting ? undefined : handle(createVerifier(config.auth));
  return async (request, context) =>
    toHttp(
      serve
        ? await serve(request, context)
        : problem(
            503,
            'settings-unresolved',
            'Service Unavailable',
            waiting!.message,
            { settings: waiting!.settings },
            { 'Retry-After': '30' },
          ),
    );
}
