/**
 * Storage outcomes callers act on. `STORAGE_REFUSED`: storage answered that a new task's content is invalid (400,
 * 413), so sending it again cannot succeed. Every other storage failure is `STORAGE_UNAVAILABLE` (retry later).
 */
export class StoreError extends Error {
  constructor(readonly code: 'STALE_WRITE' | 'INVALID_TRANSITION' | 'STORAGE_UNAVAILABLE' | 'STORAGE_REFUSED', message: string) {
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

export const isStorageRefused = (err: unknown): err is StoreError => err instanceof StoreError && err.code === 'STORAGE_REFUSED';

/** A failure that may pass: storage unavailable, or a storage answer such as a missing table. */
export const isStorageTransient = (err: unknown): boolean =>
  (err instanceof StoreError && err.code === 'STORAGE_UNAVAILABLE') || (!(err instanceof StoreError) && statusCodeOf(err) !== undefined);
