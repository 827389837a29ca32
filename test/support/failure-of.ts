/** The error `p` rejects with, typed as the caller expects it; a promise that resolves fails the test. */
export async function failureOf<E = Error>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (e) {
    return e as E;
  }
  throw new Error('expected the statement to fail');
}
