import type { TaskHeader, TaskSource } from '../store/records.js';
import type { StoredTask } from '../store/task-store.js';
import { ATTR } from './attributes.js';
import { inSpan } from './spans.js';
import { taskAttributes } from './task-telemetry.js';
import { activeTraceparent } from './trace-context.js';

/**
 * Where a task is born, from any source: a child of the API request's or the event's span, or the root of a trace
 * of its own (a schedule, a watcher). The task's identity is known once it is stored or found.
 */
export function inTaskCreationSpan<T extends { task: StoredTask; duplicate: boolean }>(
  source: TaskSource,
  create: () => Promise<T>,
): Promise<T> {
  return inSpan('policysync.task.create', { attributes: { [ATTR.taskSource]: source } }, async (span) => {
    const created = await create();
    span.setAttributes({ ...taskAttributes(created.task.header), [ATTR.duplicate]: created.duplicate });
    return created;
  });
}

/** The creating span's traceparent, for the task's header; nothing when no span records. */
export function traceparentField(): Pick<TaskHeader, 'traceparent'> {
  const traceparent = activeTraceparent();
  return traceparent ? { traceparent } : {};
}
