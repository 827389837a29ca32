import { z } from 'zod';
import { MAX_RESOURCES_PER_TASK, SyncRequestSchema } from './request.js';

/** A Ranger principal as a caller names it; `name: "*"` stands for every principal of that type. */
export const PrincipalRefSchema = z.object({
  type: z.enum(['user', 'group', 'role']),
  name: z.string().min(1).max(1024),
});
export type PrincipalRef = z.infer<typeof PrincipalRefSchema>;

export const ALL_PRINCIPALS = '*';

/** PRINCIPAL_SYNC: the same envelope as RESOURCE_SYNC, naming Ranger principals instead of resources. */
export const PrincipalSyncRequestSchema = SyncRequestSchema.omit({ type: true, requestInfo: true }).extend({
  type: z.literal('PRINCIPAL_SYNC'),
  requestInfo: z.object({
    principals: z.array(PrincipalRefSchema).min(1).max(MAX_RESOURCES_PER_TASK),
  }),
});
export type PrincipalSyncRequest = z.infer<typeof PrincipalSyncRequestSchema>;
