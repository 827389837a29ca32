import type { TaskHeader } from '../../shared/store/records.js';
import { newTaskId } from '../../shared/task/task-id.js';

/** A new task's header as the intake would write it, created at `createdAt`; `patch` sets what a test cares about. */
export const newHeader = (createdAt: Date, patch: Partial<TaskHeader> = {}): TaskHeader => ({
  taskId: newTaskId(createdAt.getTime()),
  type: 'RESOURCE_SYNC',
  status: 'NEW',
  message: '',
  source: 'EVENT_HUB',
  instance: 't',
  dryRun: false,
  attempt: 0,
  createdAt: createdAt.toISOString(),
  updatedAt: createdAt.toISOString(),
  resourceCount: 0,
  succeeded: 0,
  failed: 0,
  skipped: 0,
  ...patch,
});
