import type { z } from 'zod';

/** One validation problem: where in the caller's JSON (`$.requestInfo.resources[0].type`) and what is wrong. */
export interface Issue {
  path: string;
  message: string;
}

/**
 * A zod issue path as a JSON path from the document's root, the form a caller can find in the body it sent;
 * `within` names where the validated value sits in that document (`['data']` inside an envelope).
 */
export function jsonPath(path: readonly PropertyKey[], within: readonly PropertyKey[] = []): string {
  return `$${[...within, ...path].map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
}

/** Every issue with its JSON path: the API lists them in a problem's `issues`. */
export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message }));
}
