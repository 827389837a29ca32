import type { Log } from '../log.js';
import type { WorkerOutcome } from './worker-deps.js';

/**
 * The tasks of one message (an Event Hub batch's), run one after another, each claimed and finished on its own, so a
 * redelivery resumes where a dead worker stopped: finished tasks answer `already_terminal` after one read, the task
 * it died on waits for its lease to end (`claimed_elsewhere`; the sweeper re-sends it then), the rest run. A task
 * whose attempt throws does not hold up the others; the first such error is rethrown at the end, so the message
 * comes back (and counts towards the poison queue) as a single task's would. Two deliveries of the message at once (a
 * host that does not keep it invisible for the whole run) split its tasks between them: every claim is ETag-guarded.
 * The outcome is the first task's; every task's is logged.
 */
export async function runTasksInTurn(
  taskIds: string[],
  run: (taskId: string) => Promise<WorkerOutcome>,
  log: Log,
): Promise<WorkerOutcome> {
  const outcomes: WorkerOutcome[] = [];
  let failure: { error: unknown } | undefined;
  for (const taskId of taskIds) {
    try {
      outcomes.push(await run(taskId));
    } catch (error) {
      failure ??= { error };
    }
  }
  log('info', 'tasks of one message run in turn', { tasks: taskIds.length, outcomes: tally(outcomes) });
  if (failure) throw failure.error;
  return outcomes[0] ?? 'completed';
}

const tally = (outcomes: WorkerOutcome[]) => {
  const counts: Partial<Record<WorkerOutcome, number>> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
};
