import type { TableServiceClientOptions } from '@azure/data-tables';

/**
 * How long one storage request may wait for the response's headers. The SDKs wait forever on a connection that was accepted
 * and never answered (their own timeout is only a hint to the server); a hung storage must fail the request,
 * so that the API answers 503 and a sync attempt ends, rather than holding either until the host gives up.
 * 30 s is the limit Azure Storage itself applies to an operation.
 */
export const STORAGE_REQUEST_TIMEOUT_MS = 30_000;

export type PipelinePolicyConfig = NonNullable<TableServiceClientOptions['additionalPolicies']>[number];

/** A table client policy that fails each try left unanswered for `ms`. */
export const requestTimeout = (ms: number): PipelinePolicyConfig => ({
  position: 'perRetry',
  policy: {
    name: 'policysync-request-timeout',
    sendRequest: (request, next) => {
      request.timeout = ms;
      return next(request);
    },
  },
});
