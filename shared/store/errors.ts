/** Storage outcomes callers act on; every other storage failure is `STORAGE_UNAVAILABLE` (retry later). */
export class StoreError extends Error {
  constructor(readonly code: 'STALE_WRITE' | 'INVALID_TRANSITION' | 'STORAGE_UNAVAILABLE', message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

export const statusCodeOf = (err: unknown): number | undefined =>
  typeof err === 'object' && err !== null && 'statusCode' in err ? Number((err as { statusCode: unknown }).statusCode) : undefined;
