import { z } from 'zod';

/** One resource as a caller names it: `{type: 'table', values: {database, schema, table}}`. */
export const ResourceRefSchema = z.object({
  type: z.string().min(1).max(64),
  values: z.record(z.string().max(255), z.string().max(1024)),
});
export type ResourceRef = z.infer<typeof ResourceRefSchema>;

export const MAX_RESOURCES_PER_TASK = 1000;

/** The seed product's V2 RESOURCE_SYNC request; both the REST API and Event Hub events carry it. */
export const SyncRequestSchema = z.object({
  type: z.literal('RESOURCE_SYNC'),
  id: z.string().min(1).max(256).optional(),
  appType: z.string().max(128).optional(),
  appSubType: z.string().max(128).optional(),
  source: z.string().max(128).optional(),
  createTime: z.union([z.string().max(64), z.number()]).optional(),
  requestInfo: z.object({
    resources: z.array(ResourceRefSchema).min(1).max(MAX_RESOURCES_PER_TASK),
  }),
});
export type SyncRequest = z.infer<typeof SyncRequestSchema>;
