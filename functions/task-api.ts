import type { HttpFunctionOptions, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { getTask, postTask, type TaskApiDeps } from '../shared/http/task-api.js';
import type { ApiResponse } from '../shared/http/types.js';
import { appServices, contextLog } from './services.js';

async function deps(context: InvocationContext): Promise<TaskApiDeps> {
  const s = await appServices();
  return { store: s.store, queue: s.queue, kind: s.config.connectorKind, instance: s.config.instance, verify: s.verify, log: contextLog(context) };
}

const toHttp = (r: ApiResponse): HttpResponseInit => ({ status: r.status, headers: r.headers ?? {}, ...(r.jsonBody !== undefined ? { jsonBody: r.jsonBody } : {}) });

export const createTaskFunction: HttpFunctionOptions = {
  route: 'v1/task', methods: ['POST'], authLevel: 'anonymous',
  handler: async (request: HttpRequest, context: InvocationContext) => toHttp(await postTask(request, await deps(context))),
};

export const getTaskFunction: HttpFunctionOptions = {
  route: 'v1/tasks/{taskId}', methods: ['GET'], authLevel: 'anonymous',
  handler: async (request: HttpRequest, context: InvocationContext) => toHttp(await getTask(request, await deps(context))),
};
