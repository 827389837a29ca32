import type { z } from 'zod';
import { jsonPath } from '../task/issues.js';
import { parseTaskRequest, requestTypeOf, type TaskRequest } from '../task/task-request.js';
import { clip, parseJsonText } from './json-body.js';

export type V2Outcome = { request: TaskRequest } | { invalid: string };

const MAX_ISSUES = 10;

/**
 * Validates a V2 RESOURCE_SYNC or POLICY_SYNC payload exactly as the REST API does (TaskRequestSchema), so that one payload
 * means the same task whichever door it came through. `where` prefixes the issue paths (`data.` inside an envelope);
 * an envelope may carry the payload as a JSON string.
 */
export function parseV2(payload: unknown, where = ''): V2Outcome {
  if (typeof payload === 'string' && where !== '') {
    const decoded = parseJsonText(payload);
    if (!decoded.ok) return { invalid: `${where}: ${decoded.reason}` };
    payload = decoded.value;
  }
  if (payload === undefined) return { invalid: `${where || 'body'}: missing; expected a RESOURCE_SYNC request` };
  const parsed = parseTaskRequest(payload);
  if (parsed.success) return { request: parsed.data };
  return { invalid: `invalid ${requestTypeOf(payload)} request: ${formatIssues(parsed.error.issues, where)}` };
}

/** `$.requestInfo.resources[0].type: Invalid input...; ...` — every issue with its JSON path, bounded. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], where?: string): string {
  const within = where ? [where] : [];
  const shown = issues
    .slice(0, MAX_ISSUES)
    .map((issue) => `${clip(jsonPath(issue.path, within))}: ${clip(issue.message)}`);
  const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : '';
  return shown.join('; ') + more;
}
