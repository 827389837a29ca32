import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { TaskHeader } from '../store/records.js';
import { ATTR } from './attributes.js';
import { instruments } from './instruments.js';
import { inSpan } from './spans.js';
import { remoteParent } from './trace-context.js';

type Identity = Pick<TaskHeader, 'taskId' | 'type' | 'source'>;

export const taskAttributes = (h: Identity) => ({
  [ATTR.taskId]: h.taskId,
  [ATTR.taskType]: h.type,
  [ATTR.taskSource]: h.source,
});

/**
 * One queue delivery of a task (or of one of its units), as a span of the task's trace: the trace its creation
 * began, named by the traceparent on its header, or a trace of its own for a task stored without one.
 */
export function inDeliverySpan<T extends string>(
  header: Identity & Pick<TaskHeader, 'traceparent'>,
  unit: string | undefined,
  run: () => Promise<T>,
): Promise<T> {
  return inSpan(
    unit === undefined ? 'policysync.task.attempt' : 'policysync.unit.attempt',
    {
      kind: SpanKind.CONSUMER,
      parent: remoteParent(header.traceparent) ?? ROOT_CONTEXT,
      attributes: { ...taskAttributes(header), ...(unit === undefined ? {} : { [ATTR.unit]: unit }) },
    },
    async (span) => {
      const outcome = await run();
      span.setAttribute(ATTR.outcome, outcome);
      return outcome;
    },
  );
}

/** A task reached a terminal status: counted by status and source, its duration recorded, its span told. */
export function recordTaskEnd(h: Pick<TaskHeader, 'status' | 'source' | 'createdAt' | 'finishedAt' | 'updatedAt'>) {
  const { tasks, syncDuration } = instruments();
  tasks.add(1, { [ATTR.status]: h.status, [ATTR.source]: h.source });
  const seconds = (Date.parse(h.finishedAt ?? h.updatedAt) - Date.parse(h.createdAt)) / 1000;
  if (Number.isFinite(seconds)) syncDuration.record(Math.max(0, seconds), { [ATTR.status]: h.status });
  trace.getActiveSpan()?.setAttribute(ATTR.taskStatus, h.status);
}

/** The time a sync message waited in the queue, from the trigger's `insertionTime` (a Date or an ISO string). */
export function recordQueueAge(insertionTime: unknown, now = new Date()): void {
  const inserted =
    insertionTime instanceof Date
      ? insertionTime.getTime()
      : typeof insertionTime === 'string'
        ? Date.parse(insertionTime)
        : Number.NaN;
  if (!Number.isFinite(inserted)) return;
  instruments().queueAge.record(Math.max(0, (now.getTime() - inserted) / 1000));
}
