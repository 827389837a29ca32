import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Duration, RetryContext, RetryOptions } from '@azure/functions';

const millis = (d: Duration | number) =>
  typeof d === 'number'
    ? d
    : (((d.hours ?? 0) * 60 + (d.minutes ?? 0)) * 60 + (d.seconds ?? 0)) * 1000 + (d.milliseconds ?? 0);

/** The wait before retry `n` (1-based) under a function's retry policy. */
export function retryDelay(retry: RetryOptions, n: number): number {
  if (retry.strategy === 'fixedDelay') return millis(retry.delayInterval);
  return Math.min(millis(retry.maximumInterval), millis(retry.minimumInterval) * 2 ** (n - 1));
}

export interface RetryRun {
  /** Called before each retry's wait, with the error that caused it. */
  onRetry(n: number, delayMs: number, err: unknown): void;
  /** Ends the retries early (the host is stopping): the last error is thrown. */
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const abortableSleep = (ms: number, signal?: AbortSignal) =>
  sleepFor(ms, undefined, signal ? { signal } : {}).catch(() => undefined);

/**
 * Runs an invocation under its function's retry policy, as the Functions host does for Event Hub triggers: a
 * handler that throws runs again with the same input, told its retry count, until it returns or `maxRetryCount`
 * retries are spent (-1: without end).
 */
export async function withRetryPolicy<T>(
  retry: RetryOptions | undefined,
  invoke: (retryContext?: RetryContext) => Promise<T>,
  run: RetryRun,
): Promise<T> {
  const sleep = run.sleep ?? abortableSleep;
  for (let n = 1; ; n++) {
    try {
      return await invoke(retry && n > 1 ? { retryCount: n - 1, maxRetryCount: retry.maxRetryCount } : undefined);
    } catch (err) {
      const spent = !retry || (retry.maxRetryCount !== -1 && n > retry.maxRetryCount);
      if (spent || run.signal?.aborted) throw err;
      const delay = retryDelay(retry, n);
      run.onRetry(n, delay, err);
      await sleep(delay, run.signal);
      if (run.signal?.aborted) throw err;
    }
  }
}
