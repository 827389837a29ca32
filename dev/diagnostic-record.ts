/**
 * Databricks diagnostic-log records (category unityCatalog and others) in the shape Azure Monitor streams them to
 * Event Hub, for the event tests and the ingest benchmark: one builder, so both read the same format.
 */

/** The logId of generated record `n`. */
export function diagnosticLogId(n: number): string {
  return `7c1f0a52-3e9b-4d7a-b1c6-${String(n).padStart(12, '0')}`;
}

interface RecordParts {
  n?: number;
  action: string;
  params?: unknown;
  status?: number | string;
  category?: string;
  time?: string;
  logId?: string;
}

/** One diagnostic record in the shape Azure streams it, with identity, requestParams and response as JSON strings. */
export function diagnosticRecord({
  n = 1,
  action,
  params = {},
  status = 200,
  category = 'unityCatalog',
  time = '2026-11-27T09:00:00.0000000Z',
  logId: id,
}: RecordParts) {
  return {
    time,
    resourceId:
      '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.DATABRICKS/WORKSPACES/DBW',
    operationVersion: '1.0.0',
    category,
    operationName: `Microsoft.Databricks/${category}/${action}`,
    identity: JSON.stringify({ email: 'dana.lee@contoso.com', subjectName: null }),
    properties: {
      sourceIPAddress: '10.139.64.12',
      logId: id ?? diagnosticLogId(n),
      serviceName: category,
      userAgent: 'Databricks-Runtime/15.4.x-scala2.12',
      actionName: action,
      requestId: `ServiceMain-${n}`,
      requestParams: typeof params === 'string' ? params : JSON.stringify(params),
      response: JSON.stringify({
        statusCode: status,
        errorMessage: String(status) === '200' ? null : 'PERMISSION_DENIED',
        result: null,
      }),
    },
  };
}
