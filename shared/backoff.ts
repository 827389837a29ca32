/** Jittered exponential backoff: `baseMs * 2^(attempt-1)`, scaled by a random 0.5..1.5 so retries spread out. */
export const backoffDelay = (attempt: number, baseMs: number) => baseMs * 2 ** (attempt - 1) * (0.5 + Math.random());

/** Runs `op` up to `attempts` times while `retryable` says the failure is worth another try. */
export async function withBackoff<T>(
  op: () => Promise<T>,
  retryable: (err: unknown) => boolean,
  attempts = 3,
  baseMs = 100,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (!retryable(err) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, backoffDelay(attempt, baseMs)));
    }
  }
}
