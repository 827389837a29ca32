import { type Context, isSpanContextValid, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { z } from 'zod';

/**
 * A W3C Trace Context `traceparent` (version 00): how a task's trace crosses the queue, kept on its header. Read
 * back from storage, it is checked before it becomes a parent: anything else starts a new trace.
 */
export const TraceparentSchema = z.string().regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);

/** The active span's traceparent; none when no span records (no SDK registered, or not sampled in). */
export function activeTraceparent(): string | undefined {
  const span = trace.getActiveSpan()?.spanContext();
  if (!span || !isSpanContextValid(span)) return undefined;
  const sampled = (span.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  return `00-${span.traceId}-${span.spanId}-${sampled ? '01' : '00'}`;
}

/** The context whose parent is the span a traceparent names; undefined when it names none. */
export function remoteParent(traceparent: string | undefined): Context | undefined {
  if (!TraceparentSchema.safeParse(traceparent).success) return undefined;
  const [, traceId, spanId, flags] = traceparent!.split('-') as [string, string, string, string];
  const parent = { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
  return isSpanContextValid(parent) ? trace.setSpanContext(ROOT_CONTEXT, parent) : undefined;
}
