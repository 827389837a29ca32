import { z } from 'zod';

/**
 * The policies behind a task: those a POLICY_SYNC names, or those whose change (or validity boundary) the policy
 * watcher saw, each with its own Ranger version where known, and the policy-set revisions the change went between.
 * Kept on the task header as JSON and shown by GET.
 */
export const PolicyCauseSchema = z.object({
  policies: z.array(z.object({ id: z.union([z.number(), z.string()]), version: z.number().optional() })),
  /** How many more policies a burst changed than `policies` names. */
  omitted: z.number().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  /** A validity schedule's start or end that passed (ISO time), when that is what caused the task. */
  boundary: z.string().optional(),
});
export type PolicyCause = z.infer<typeof PolicyCauseSchema>;

export const encodePolicyCause = (cause: PolicyCause) => JSON.stringify(cause);

/** The stored cause, or undefined when the header holds none (or something unreadable, which GET must survive). */
export function decodePolicyCause(text: string | undefined): PolicyCause | undefined {
  if (!text) return undefined;
  try {
    const parsed = PolicyCauseSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
