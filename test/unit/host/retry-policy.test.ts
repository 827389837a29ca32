import { describe, expect, it } from 'vitest';
import { retryDelay, withRetryPolicy } from '../../../dev/host/retry-policy.js';

const failing = (times: number) => {
  let calls = 0;
  return {
    calls: () => calls,
    invoke: async () => {
      calls++;
      if (calls <= times) throw new Error(`fail ${calls}`);
      return 'done';
    },
  };
};

describe('the local host retry policy (as the Functions host runs it)', () => {
  it('doubles the exponential wait from the minimum up to the maximum; a fixed delay stays fixed', () => {
    const exp = {
      strategy: 'exponentialBackoff',
      maxRetryCount: -1,
      minimumInterval: { seconds: 5 },
      maximumInterval: { minutes: 1 },
    } as const;
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(exp, n))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(
      retryDelay({ strategy: 'fixedDelay', maxRetryCount: 3, delayInterval: { hours: 1, milliseconds: 5 } }, 7),
    ).toBe(3_600_005);
  });

  it('runs the invocation again after each failure until it returns, without end for maxRetryCount -1, telling it its retry count', async () => {
    const f = failing(12);
    const waits: number[] = [];
    const counts: (number | undefined)[] = [];
    const result = await withRetryPolicy(
      { strategy: 'fixedDelay', maxRetryCount: -1, delayInterval: 10 },
      (ctx) => {
        counts.push(ctx?.retryCount);
        return f.invoke();
      },
      {
        onRetry: (_n, ms) => waits.push(ms),
        sleep: async () => undefined,
      },
    );
    expect(result).toBe('done');
    expect(f.calls()).toBe(13);
    expect(waits).toHaveLength(12);
    expect(counts).toEqual([undefined, ...Array.from({ length: 12 }, (_, i) => i + 1)]);
  });

  it('throws the last error once maxRetryCount retries are spent, and at once without a policy', async () => {
    const f = failing(10);
    await expect(
      withRetryPolicy({ strategy: 'fixedDelay', maxRetryCount: 2, delayInterval: 1 }, f.invoke, {
        onRetry: () => undefined,
        sleep: async () => undefined,
      }),
    ).rejects.toThrow('fail 3');
    const g = failing(1);
    await expect(withRetryPolicy(undefined, g.invoke, { onRetry: () => undefined })).rejects.toThrow('fail 1');
    expect(g.calls()).toBe(1);
  });

  it('stops retrying when the host stops, during the wait', async () => {
    const f = failing(100);
    const stopping = new AbortController();
    const run = withRetryPolicy(
      { strategy: 'fixedDelay', maxRetryCount: -1, delayInterval: { minutes: 10 } },
      f.invoke,
      { onRetry: () => undefined, signal: stopping.signal },
    );
    setTimeout(() => stopping.abort(), 20);
    await expect(run).rejects.toThrow('fail 1');
    expect(f.calls()).toBe(1);
  });
});
