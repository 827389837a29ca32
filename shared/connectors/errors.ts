/**
 * A warehouse failure, classified so the pipeline knows whether to retry, converge or fail the resource.
 * NOT_VISIBLE: the object may exist but the connector's identity may not see or manage it — never "not found".
 */
export class ConnectorError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'NOT_VISIBLE' | 'STATEMENT_FAILED' | 'TRANSIENT' | 'AUTH' | 'CONFIG',
    message: string,
    readonly detail?: { sql?: string; warehouseCode?: string },
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export const isTransient = (err: unknown) => err instanceof ConnectorError && err.code === 'TRANSIENT';
