import type { z } from 'zod';
import type { ProblemIssue } from './problem.js';

/** zod issues as JSON paths (`$.requestInfo.resources[0].type`), the form a caller can find in its body. */
export function issuesOf(error: z.ZodError): ProblemIssue[] {
  return error.issues.map((i) => ({
    path: `$${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`,
    message: i.message,
  }));
}
