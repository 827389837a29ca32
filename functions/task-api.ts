import type { HttpFunctionOptions, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { createVerifier } from '../shared/auth/index.js';
import { UnresolvedSettingsError } from '../shared/config.js';
import { problem } from '../shared/http/problem.js';
import { getTask, type LazyTaskApiDeps, postTask } from '../shared/http/task-api.js';
import type { ApiRequest, ApiResponse } from '../shared/http/types.js';
import type { IntakeDeps } from '../shared/intake/create-task.js';
import { appConfig, appServices, contextLog } from './services.js';

const toHttp = (r: ApiResponse): HttpResponseInit => ({
  status: r.status,
  headers: r.headers ?? {},
  ...(r.jsonBody !== undefined ? { jsonBody: r.jsonBody } : {}),
});

/** Storage is built on first use by an authenticated request, never by an anonymous one. */
async function storage(): Promise<IntakeDeps> {
  const s = await appServices();
  return { store: s.store, queue: s.queue, warehouse: s.config.warehouse.module, instance: s.config.instance };
}

/**
 * The task API's routes. Their verifier is built here, from the settings alone, when the routes are registered:
 * a key that cannot be used stops start-up, and each request is verified before anything touches storage. While a
 * Key Vault reference has not resolved (the JWT key's, on a first start), the routes answer 503 and name the
 * settings, so the app starts, health says what it waits for, and a refresh of the references recovers it.
 */
export function taskApiFunctions(): { createTask: HttpFunctionOptions; getTask: HttpFunctionOptions } {
  const config = appConfig();
  const waiting =
    config.unresolvedSettings.length > 0 ? new UnresolvedSettingsError(config.unresolvedSettings) : undefined;
  const verify = waiting ? undefined : createVerifier(config.auth);
  const route =
    (handle: (req: ApiRequest, deps: LazyTaskApiDeps) => Promise<ApiResponse>) =>
    async (request: HttpRequest, context: InvocationContext) =>
      toHttp(
        verify
          ? await handle(request, { verify, log: contextLog(context), storage })
          : problem(
              503,
              'settings-unresolved',
              'Service Unavailable',
              waiting!.message,
              { settings: waiting!.settings },
              { 'Retry-After': '30' },
            ),
      );
  return {
    createTask: { route: 'v1/task', methods: ['POST'], authLevel: 'anonymous', handler: route(postTask) },
    getTask: { route: 'v1/tasks/{taskId}', methods: ['GET'], authLevel: 'anonymous', handler: route(getTask) },
  };
}
