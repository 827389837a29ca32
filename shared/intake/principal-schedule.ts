import { ALL_PRINCIPALS } from '../task/principal-request.js';
import { createTask, type IntakeDeps } from './create-task.js';

/**
 * The scheduled principal sync (PRINCIPAL_SYNC_SCHEDULE): one task (source SCHEDULE) over every Ranger group and
 * role, whose roles' holders cover every membership, users included. Keyed by its scheduled time, so a timer that
 * fires twice starts one sync.
 */
export async function startPrincipalSync(deps: IntakeDeps, scheduledAt: Date): Promise<string> {
  const { task } = await createTask(
    deps,
    {
      request: {
        type: 'PRINCIPAL_SYNC',
        source: 'SCHEDULE',
        requestInfo: {
          principals: [
            { type: 'group', name: ALL_PRINCIPALS },
            { type: 'role', name: ALL_PRINCIPALS },
          ],
        },
      },
    },
    { source: 'SCHEDULE', idempotencyKey: `principal-schedule:${scheduledAt.toISOString()}` },
  );
  return task.header.taskId;
}
