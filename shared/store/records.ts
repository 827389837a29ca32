import type { ResourceRef } from '../task/request.js';
import type { ResourceStatus, TaskStatus } from '../task/status.js';

export type TaskSource = 'API' | 'EVENT_HUB' | 'SCHEDULE';

/** The header row (`RowKey = "task"`) of a task. */
export interface TaskHeader {
  taskId: string;
  type: 'RESOURCE_SYNC';
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
  /** A fanned-out task's units (unit-store.ts): how many, how many finished, how many of those failed. */
  unitsTotal?: number;
  unitsDone?: number;
  unitsFailed?: number;
}

/** What one resource's sync did; stored as JSON on its row, summarized to fit Table Storage's limits. */
export interface ResourceResult {
  granted: string[];
  revoked: string[];
  unchanged: number;
  warnings: string[];
  statements: { sql: string; ok: boolean; error?: string }[];
  /** Masking policies and row filters created, changed, attached, detached or dropped. */
  masking?: string[];
  plan: { op: string; object: string; principal: string; privileges: string[]; reason: string }[];
  policyVersion?: string;
  dryRun?: boolean;
  truncated?: boolean;
}

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
