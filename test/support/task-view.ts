import type { TaskView } from '../../shared/http/task-view.js';

/** A whole task view from the fields a test cares about; the rest as a new task would have them. */
export const taskViewOf = (v: Partial<TaskView> & Pick<TaskView, 'taskId' | 'status'>): TaskView => ({
  type: 'RESOURCE_SYNC',
  message: '',
  source: 'API',
  dryRun: false,
  createdAt: '2026-12-06T00:00:00.000Z',
  updatedAt: '2026-12-06T00:00:00.000Z',
  attempt: 1,
  counts: { resources: 0, succeeded: 0, failed: 0, skipped: 0 },
  ...v,
});
