import type { ResourceRow, TaskHeader } from '../store/records.js';
import { decodePolicyCause } from '../task/policy-cause.js';

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
    ...policyCause(h),
    counts: { resources: h.resourceCount, succeeded: h.succeeded, failed: h.failed, skipped: h.skipped },
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

/** The policies behind the task, and for a policy change the revisions it went between or the boundary that passed. */
function policyCause(h: TaskHeader) {
  const cause = decodePolicyCause(h.policies);
  if (!cause) return {};
  return {
    policies: cause.policies,
    ...(cause.omitted ? { policiesOmitted: cause.omitted } : {}),
    ...(cause.from !== undefined || cause.to !== undefined
      ? { policyRevisions: { ...(cause.from ? { from: cause.from } : {}), ...(cause.to ? { to: cause.to } : {}) } }
      : {}),
    ...(cause.boundary ? { validityBoundary: cause.boundary } : {}),
  };
}
