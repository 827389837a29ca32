import type { Connector } from '../connectors/connector.js';
import { MAX_RESOURCES_PER_TASK } from '../task/request.js';
import { createTask, type IntakeDeps } from './create-task.js';

/**
 * The scheduled sweep of everything: one task (source SCHEDULE) naming every database or catalog, through the
 * same pipeline as on-demand tasks: the worker fans each database out into one queued unit per schema
 * (sync/fan-out.ts), so the sweep runs on as many workers as the queue gets. It is the baseline on-demand sync is
 * measured against, and it catches drift no event reported. Keyed by its scheduled time, so a timer that fires twice starts one sweep.
 */
export async function startFullSync(deps: IntakeDeps, connector: Connector, scheduledAt: Date): Promise<string[]> {
  const { containers: list } = connector.capabilities;
  if (!list) throw new Error(`the ${connector.kind} connector cannot list its databases for a full sync`);
  const containers = await list();
  const taskIds: string[] = [];
  for (let i = 0; i < containers.length; i += MAX_RESOURCES_PER_TASK) {
    const resources = containers.slice(i, i + MAX_RESOURCES_PER_TASK);
    const { task } = await createTask(
      deps,
      { request: { type: 'RESOURCE_SYNC', source: 'SCHEDULE', requestInfo: { resources } } },
      { source: 'SCHEDULE', idempotencyKey: `schedule:${scheduledAt.toISOString()}:${i}` },
    );
    taskIds.push(task.header.taskId);
  }
  return taskIds;
}
