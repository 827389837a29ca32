import { z } from 'zod';
import { SyncRequestSchema } from './request.js';

export const MAX_POLICIES_PER_TASK = 100;

/** A Ranger policy as a caller names it: its id, a number or a string of digits (a JSON producer may quote a long). */
export const PolicyRefSchema = z.object({
  id: z
    .union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,15}$/)])
    .transform(Number),
});
export type PolicyRef = z.infer<typeof PolicyRefSchema>;

/**
 * POLICY_SYNC: "these policies changed, sync what they cover", for a caller that knows (a Ranger audit hook, a CI
 * pipeline that edits policies). The header fields are RESOURCE_SYNC's. The worker expands the policies to the
 * objects they cover at the policy source's current version; an id the source does not know is a SKIPPED row.
 */
export const PolicySyncRequestSchema = SyncRequestSchema.omit({ type: true, requestInfo: true }).extend({
  type: z.literal('POLICY_SYNC'),
  requestInfo: z.object({
    policies: z.array(PolicyRefSchema).min(1).max(MAX_POLICIES_PER_TASK),
  }),
});
export type PolicySyncRequest = z.infer<typeof PolicySyncRequestSchema>;
