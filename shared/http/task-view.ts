import { z } from 'zod';
import { ResourceResultSchema, type ResourceRow, type TaskHeader } from '../store/records.js';
import { decodePolicyCause, PolicyCauseSchema } from '../task/policy-cause.js';
import { TASK_STATUSES } from '../task/status.js';

/** One requested resource as GET shows it: what was asked, how it ended, and what its sync did. */
export const ResourceViewSchema = z.object({
  type: z.string(),
  values: z.record(z.string(), z.string()),
  status: z.enum(['PENDING', 'SUCCESS', 'FAILED', 'SKIPPED']),
  message: z.string(),
  changes: ResourceResultSchema.optional(),
});

export type ResourceView = z.infer<typeof ResourceViewSchema>;

/** The task as the API shows it (the answer of POST and GET, and what the CLI and the console read). */
export const TaskViewSchema = z.object({
  taskId: z
    .string()
    .meta({ description: 'A 64-bit time-ordered id written in decimal', example: '574057046565109672' }),
  type: z.string(),
  status: z.enum(TASK_STATUSES),
  message: z.string(),
  source: z.string(),
  dryRun: z.boolean(),
  eventId: z.string().optional(),
  id: z.string().optional().meta({ description: "The request's own `id`, when it gave one" }),
  appType: z.string().optional(),
  appSubType: z.string().optional(),
  createTime: z.union([z.string(), z.number()]).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  attempt: z.number().int(),
  policyVersion: z.string().optional(),
  policies: PolicyCauseSchema.shape.policies
    .optional()
    .meta({ description: 'The policies behind a POLICY_SYNC or a policy change, each with its version where known' }),
  policiesOmitted: z.number().int().optional().meta({ description: 'How many more policies the change touched' }),
  policyRevisions: z
    .object({ from: z.string().optional(), to: z.string().optional() })
    .optional()
    .meta({ description: 'The policy-set revisions a policy change went between' }),
  validityBoundary: z
    .string()
    .optional()
    .meta({ description: 'The validity schedule start or end that caused the task' }),
  units: z.object({ total: z.number().int(), done: z.number().int(), failed: z.number().int() }).optional().meta({
    description:
      'A fanned-out task (a database or catalog): its units, one per schema or slice of a large schema, and how many are done',
  }),
  counts: z.object({
    resources: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
  }),
  resources: z.array(ResourceViewSchema).optional(),
});
export type TaskView = z.infer<typeof TaskViewSchema>;

/** The task as the API shows it: the header's public fields and, when rows are given, each resource's outcome. */
export function taskView(h: TaskHeader, rows?: ResourceRow[]): TaskView {
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
    // A fanned-out task's progress while it runs: its units (one per schema or slice) finished so far.
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

/** A page of `GET /tasks`: tasks newest first, without their resources, and where the next page starts. */
export const TaskListSchema = z.object({
  tasks: z.array(TaskViewSchema.omit({ resources: true })),
  continuation: z.string().optional().meta({
    description:
      'Present when more tasks may follow: pass it back as `continuation` with the same filters for the next page',
  }),
});
export type TaskList = z.infer<typeof TaskListSchema>;
