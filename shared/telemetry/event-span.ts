import { SpanKind } from '@opentelemetry/api';
import { ATTR } from './attributes.js';
import { inSpan } from './spans.js';

/** One Event Hub event as the consumer span that begins its own trace: one trace per task, not one per batch. */
export const inEventSpan = <T>(store: () => Promise<T>): Promise<T> =>
  inSpan(
    'policysync.event',
    { kind: SpanKind.CONSUMER, root: true, attributes: { [ATTR.taskSource]: 'EVENT_HUB' } },
    store,
  );
