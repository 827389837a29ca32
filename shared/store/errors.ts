/**
 * Storage outcomes callers act on. `STORAGE_REFUSED`: storage answered that a new task's content is invalid (400,
 * 413), so sending it again cannot succeed. Every other storage failure is `STORAGE_UNAVAILABLE` (retry later).
 */
export class StoreError extends Error {
  constructor(
    readonly code: 'STALE_WRITE' | 'INVALID_TRANSITION' | 'STORAGE_UNAVAILABLE' | 'STORAGE_REFUSED',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** The HTTP status of a storage SDK error; undefined for a connection failure (which has none). */
export function statusCodeOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('statusCode' in err)) return undefined;
  const status = Number((err as { statusCode: unknown }).statusCode);
  return Number.isFinite(status) ? status : undefined;
}

const hasCode =
  (code: StoreError['code']) =>
  (err: unknown): err is StoreError =>
    err instanceof StoreError && err.code === code;
export const isStaleWrite = hasCode('STALE_WRITE');
export const isStorageRefused = hasCode('STORAGE_REFUSED');
export const isStorageUnavailable = hasCode('STORAGE_UNAVAILABLE');

/** Runs an ETag-guarded write; undefined when the row changed meanwhile (whoever changed it has the task in hand). */
export async function unlessStale<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (err) {
    if (isStaleWrite(err)) return undefined;
    throw err;
  }
}

/** A failure that may pass: storage unavailable, or a storage answer such as a missing table. */
export const isStorageTransient = (err: unknown): boolean =>
  isStorageUnavailable(err) || (!(err instanceof StoreError) && statusCodeOf(err) !== undefined);
