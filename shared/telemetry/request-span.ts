import { SpanKind } from '@opentelemetry/api';
import type { ApiResponse } from '../http/types.js';
import { ATTR } from './attributes.js';
import { failSpan, inSpan } from './spans.js';

/**
 * An API request as the server span that begins its own trace: a task it creates carries that trace to the worker.
 * A caller's `traceparent` is not followed: one trace per task, whatever a client sends. A 5xx marks it ERROR
 * with the problem's type.
 */
export function inRequestSpan(method: string, route: string, handle: () => Promise<ApiResponse>): Promise<ApiResponse> {
  return inSpan(
    `${method} ${route}`,
    { kind: SpanKind.SERVER, root: true, attributes: { [ATTR.httpMethod]: method, [ATTR.httpRoute]: route } },
    async (span) => {
      const response = await handle();
      span.setAttribute(ATTR.httpStatus, response.status);
      if (response.status >= 500) failSpan(span, problemType(response));
      return response;
    },
  );
}

const problemType = (r: ApiResponse) => {
  const type = (r.jsonBody as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? (type.split('/').pop() ?? `HTTP_${r.status}`) : `HTTP_${r.status}`;
};
