/** Storage outcomes callers act on; every other storage failure is `STORAGE_UNAVAILABLE` (retry later). */
export class StoreError extends Error {
  constructor(readonly code: 'STALE_WRITE' | 'INVALID_TRANSITION' | 'STORAGE_UNAVAILABLE', message: string) {
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
