import { z } from 'zod';
import type { ResourceRef } from '../task/request.js';
import type { ResourceStatus, TaskStatus } from '../task/status.js';
import type { TaskType } from '../task/task-request.js';

export type TaskSource = 'API' | 'EVENT_HUB' | 'SCHEDULE' | 'POLICY_CHANGE' | 'PRINCIPAL_CHANGE';

/** The header row (`RowKey = "task"`) of a task. */
export interface TaskHeader {
  taskId: string;
  type: TaskType;
  status: TaskStatus;
  message: string;
  source: TaskSource;
  instance: string;
  dryRun: boolean;
  eventId?: string;
  requestId?: string;
  appType?: string;
  appSubType?: string;
  requestSource?: string;
  createTime?: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  attempt: number;
  leaseUntil?: string;
  /** Why the last failed attempt failed; the reason a task past its attempt cap gives. */
  lastError?: string;
  resourceCount: number;
  succeeded: number;
  failed: number;
  skipped: number;
  policyVersion?: string;
  /** The policies behind a POLICY_SYNC or POLICY_CHANGE task: a PolicyCause as JSON (task/policy-cause.ts). */
  policies?: string;
  /** A fanned-out task's units (unit-store.ts): how many, how many finished, how many of those failed. */
  unitsTotal?: number;
  unitsDone?: number;
  unitsFailed?: number;
  /** The W3C traceparent of the span that created the task: its deliveries continue that trace (telemetry/). */
  traceparent?: string;
}

/** What one resource's sync did; stored as JSON on its row, summarized to fit Table Storage's limits, and shown by GET. */
export const ResourceResultSchema = z.object({
  granted: z.array(z.string()),
  revoked: z.array(z.string()),
  unchanged: z.number().int(),
  warnings: z.array(z.string()),
  statements: z.array(z.object({ sql: z.string(), ok: z.boolean(), error: z.string().optional() })),
  /** Masking policies and row filters created, changed, attached, detached or dropped. */
  masking: z.array(z.string()).optional(),
  plan: z.array(
    z.object({
      op: z.string(),
      object: z.string(),
      principal: z.string(),
      privileges: z.array(z.string()),
      reason: z.string(),
    }),
  ),
  policyVersion: z.string().optional(),
  dryRun: z.boolean().optional(),
  truncated: z.boolean().optional(),
});
export type ResourceResult = z.infer<typeof ResourceResultSchema>;

/** One row per requested resource (`RowKey = "r00000"`...). */
export interface ResourceRow {
  index: number;
  ref: ResourceRef;
  status: ResourceStatus;
  message: string;
  result?: ResourceResult;
  updatedAt: string;
}

export const resourceRowKey = (index: number) => `r${String(index).padStart(5, '0')}`;
