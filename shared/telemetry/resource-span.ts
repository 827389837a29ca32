import type { ResourceRef } from '../task/request.js';
import { ATTR } from './attributes.js';
import { errorCodeOf, failSpan, inSpan } from './spans.js';

/** `table SALES.PUBLIC.ORDERS`: the resource as requested, as the task's messages name it. */
export const resourceName = (ref: ResourceRef) => `${ref.type} ${Object.values(ref.values).join('.')}`;

/**
 * One requested resource's sync, as a span of the attempt: its statements are its children. A FAILED resource
 * marks it ERROR with the code of the error that ended it, or STATEMENT_FAILED when statements failed one by one.
 */
export async function inResourceSpan<O extends { status: string }>(
  ref: ResourceRef,
  /** The outcome, and what ended the sync when it threw. */
  sync: () => Promise<{ outcome: O; error?: unknown }>,
): Promise<O> {
  return inSpan('policysync.resource', { attributes: { [ATTR.resource]: resourceName(ref) } }, async (span) => {
    const { outcome, error } = await sync();
    span.setAttribute(ATTR.resourceStatus, outcome.status);
    if (outcome.status === 'FAILED') failSpan(span, error === undefined ? 'STATEMENT_FAILED' : errorCodeOf(error));
    return outcome;
  });
}
