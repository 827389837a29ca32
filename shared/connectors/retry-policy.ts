import { backoffDelay } from '../backoff.js';
import { ConnectorError } from './errors.js';

/**
 * How often a statement is sent to a warehouse before its failure stands: the one retry policy, applied by each
 * session's `query` and nowhere else (connectors, masking and the pipeline never retry a statement themselves).
 *
 * - A statement is tried STATEMENT_ATTEMPTS times at most.
 * - A transient failure (the network, a timeout, throttling, a warehouse that answers 5xx) is tried again after
 *   BASE_MS * 2^(n-1), scaled by a random 0.5..1.5: 200 ms, then 400 ms, under a second and a half in all.
 * - A session the warehouse ended is opened again and the statement tried again at once; a broken connection is
 *   replaced too, after the backoff of a transient failure.
 * - Anything else (refused credentials, a missing object, a statement the warehouse rejects) is not tried again.
 * GRANT, REVOKE and our DDL are idempotent or guarded (IF NOT EXISTS, and masking steps re-read the state before
 * they are planned), so a statement whose answer was lost may be sent again.
 *
 * Below each of these attempts the drivers retry HTTP requests on their own, and these counts multiply with ours:
 * - @databricks/sql 2.x: each Thrift request is tried DATABRICKS_DRIVER_RETRY.retryMaxAttempts times in all, within
 *   retriesTimeout, on HTTP 429, 5xx but 501, and network errors (HttpRetryPolicy.js): at most 3 x 3 = 9 sends.
 * - snowflake-sdk 3.x: a login request is retried SNOWFLAKE_DRIVER_RETRY.sfRetryMaxLoginRetries times; a statement's
 *   requests are retried on HTTP 5xx, 408, 429 and network errors up to 1000 times, 1 to 16 s apart
 *   (sfRetryMaxNumRetries, which the driver does not let a connection change: connection_config.js marks it
 *   internal). A statement that Snowflake answers with an error code (a timeout, 000630) is ours alone to retry.
 */
export const STATEMENT_ATTEMPTS = 3;
const BASE_MS = 200;

/** What @databricks/sql is told (connectOptions): total attempts per HTTP request, within this many milliseconds. */
export const DATABRICKS_DRIVER_RETRY = { retryMaxAttempts: 3, retriesTimeout: 60_000 } as const;
/** What snowflake-sdk is told (its default, written down here): retries of a login request. */
export const SNOWFLAKE_DRIVER_RETRY = { sfRetryMaxLoginRetries: 7 } as const;

/** What a session makes of a failed attempt: the error to report, and whether and how to try again. */
export interface Failure {
  error: ConnectorError;
  retry: 'after-backoff' | 'at-once' | 'no';
}

/** Runs `attempt` under the policy; `judge` classifies each failure. The last failure is thrown, saying how often it was tried. */
export async function withStatementRetry<T>(attempt: () => Promise<T>, judge: (err: unknown) => Failure): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const { error, retry } = judge(err);
      if (retry === 'no') throw error;
      if (n >= STATEMENT_ATTEMPTS)
        throw new ConnectorError(error.code, `${error.message} (after ${n} attempts)`, error.detail);
      if (retry === 'after-backoff') await new Promise((r) => setTimeout(r, backoffDelay(n, BASE_MS)));
    }
  }
}

/** The usual judgement: transient errors after a backoff, nothing else. */
export const transientOnly = (error: ConnectorError): Failure => ({
  error,
  retry: error.code === 'TRANSIENT' ? 'after-backoff' : 'no',
});
