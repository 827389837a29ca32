import type { ResourceRow, TaskHeader } from '../store/records.js';

/** The task as the API shows it: the header's public fields and, when rows are given, each resource's outcome. */
export function taskView(h: TaskHeader, rows?: ResourceRow[]) {
  return {
    taskId: h.taskId,
    type: h.type,
    status: h.status,
    message: h.message,
    source: h.source,
    dryRun: h.dryRun,
    ...(h.eventId ? { eventId: h.eventId } : {}),
    ...(h.requestId ? { id: h.requestId } : {}),
    ...(h.appType ? { appType: h.appType } : {}),
    ...(h.appSubType ? { appSubType: h.appSubType } : {}),
    ...(h.createTime ? { createTime: h.createTime } : {}),
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
    ...(h.startedAt ? { startedAt: h.startedAt } : {}),
    ...(h.finishedAt ? { finishedAt: h.finishedAt } : {}),
    attempt: h.attempt,
    ...(h.policyVersion ? { policyVersion: h.policyVersion } : {}),
    counts: { resources: h.resourceCount, succeeded: h.succeeded, failed: h.failed, skipped: h.skipped },
    // A fanned-out task's progress while it runs: its units (one per schema) finished so far.
    ...(h.unitsTotal !== undefined
      ? { units: { total: h.unitsTotal, done: h.unitsDone ?? 0, failed: h.unitsFailed ?? 0 } }
      : {}),
    ...(rows
      ? {
          resources: rows.map((r) => ({
            type: r.ref.type,
            values: r.ref.values,
            status: r.status,
            message: r.message,
            ...(r.result ? { changes: r.result } : {}),
          })),
        }
      : {}),
  };
}
