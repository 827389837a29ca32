/** A warehouse failure, classified so the pipeline knows whether to retry, converge or fail the resource. */
export class ConnectorError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'STATEMENT_FAILED' | 'TRANSIENT' | 'AUTH' | 'CONFIG',
    message: string,
    readonly detail?: { sql?: string; warehouseCode?: string },
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export const isTransient = (err: unknown) => err instanceof ConnectorError && err.code === 'TRANSIENT';
