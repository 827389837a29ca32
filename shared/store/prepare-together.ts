/**
 * Runs the steps of a storage preparation side by side, each given one abort signal. The first failure aborts the
 * others, and it is thrown only once every step has ended: the SDKs retry on their own for seconds (the queue client
 * waits 4 s, then 12 s), so a step left running would reach storage after the caller was told that preparing failed.
 */
export async function prepareTogether(steps: ((signal: AbortSignal) => Promise<unknown>)[]): Promise<void> {
  const stop = new AbortController();
  let first: { error: unknown } | undefined;
  await Promise.allSettled(
    steps.map((step) =>
      step(stop.signal).catch((error: unknown) => {
        first ??= { error };
        stop.abort();
      }),
    ),
  );
  if (first) throw first.error;
}
