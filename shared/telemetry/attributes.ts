/** Span and metric attribute names: ours under `policysync.`, the rest OpenTelemetry's semantic conventions. */
export const ATTR = {
  taskId: 'policysync.task.id',
  taskType: 'policysync.task.type',
  taskSource: 'policysync.task.source',
  /** The status a task ended in, on the span that ended it. */
  taskStatus: 'policysync.task.status',
  duplicate: 'policysync.task.duplicate',
  unit: 'policysync.unit',
  resource: 'policysync.resource',
  resourceStatus: 'policysync.resource.status',
  outcome: 'policysync.delivery.outcome',
  status: 'status',
  source: 'source',
  dbSystem: 'db.system.name',
  dbOperation: 'db.operation.name',
  errorType: 'error.type',
  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpStatus: 'http.response.status_code',
} as const;
