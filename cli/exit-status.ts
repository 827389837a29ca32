/** The process exit status: scripts branch on it, so each value means one outcome and never changes. */
export const EXIT = {
  SUCCESS: 0,
  FAILED: 1,
  /** Usage, configuration, authentication, HTTP or network error: no outcome to report. */
  ERROR: 2,
  SKIPPED: 3,
  /** The task had not finished when the wait ran out (or no wait was asked for, for `status`). */
  RUNNING: 4,
} as const;

/** The exit status a task's status means. */
export function exitStatusOf(status: string): number {
  switch (status) {
    case 'SUCCESS':
      return EXIT.SUCCESS;
    case 'FAILED':
      return EXIT.FAILED;
    case 'SKIPPED':
      return EXIT.SKIPPED;
    default:
      return EXIT.RUNNING;
  }
}

export const isTerminalStatus = (status: string) => status === 'SUCCESS' || status === 'FAILED' || status === 'SKIPPED';
