export const TASK_STATUSES = ['NEW', 'WAITING', 'INPROGRESS', 'SUCCESS', 'FAILED', 'SKIPPED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type ResourceStatus = 'PENDING' | 'SUCCESS' | 'FAILED' | 'SKIPPED';

const NEXT: Record<TaskStatus, readonly TaskStatus[]> = {
  NEW: ['WAITING', 'FAILED', 'SKIPPED'],
  WAITING: ['INPROGRESS', 'FAILED', 'SKIPPED'],
  // INPROGRESS -> INPROGRESS is a takeover of an expired lease by another worker.
  INPROGRESS: ['INPROGRESS', 'SUCCESS', 'FAILED', 'SKIPPED'],
  SUCCESS: [],
  FAILED: [],
  SKIPPED: [],
};

export const isTerminal = (s: TaskStatus): boolean => NEXT[s].length === 0;

export const canTransition = (from: TaskStatus, to: TaskStatus): boolean => NEXT[from].includes(to);

/** A task's status follows from its resources: all skipped -> SKIPPED; any failed -> FAILED; else SUCCESS. */
export function deriveTaskStatus(resources: { status: ResourceStatus }[]): 'SUCCESS' | 'FAILED' | 'SKIPPED' {
  if (resources.length > 0 && resources.every((r) => r.status === 'SKIPPED')) return 'SKIPPED';
  if (resources.some((r) => r.status === 'FAILED')) return 'FAILED';
  return 'SUCCESS';
}
