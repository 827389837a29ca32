import { z } from 'zod';
import { PolicySyncRequestSchema } from './policy-request.js';
import { SyncRequestSchema } from './request.js';

/** Every request type the API and the Event Hub accept, told apart by `type`: one schema, one normalizer, one record. */
export const TaskRequestSchema = z.discriminatedUnion('type', [SyncRequestSchema, PolicySyncRequestSchema]);
export type TaskRequest = z.infer<typeof TaskRequestSchema>;
export type TaskType = TaskRequest['type'];

/**
 * Validates a request against the schema its `type` names. Any other type, or none, is read as RESOURCE_SYNC (the
 * seed product's one type), so its problems are reported against that schema, each with its path.
 */
export function parseTaskRequest(body: unknown): z.ZodSafeParseResult<TaskRequest> {
  const type = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined;
  return type === 'POLICY_SYNC' ? PolicySyncRequestSchema.safeParse(body) : SyncRequestSchema.safeParse(body);
}

/** The resources a request names: a RESOURCE_SYNC's own; none for a request that names policies instead. */
export const requestedResources = (request: TaskRequest | undefined) =>
  request === undefined ? undefined : request.type === 'RESOURCE_SYNC' ? request.requestInfo.resources : [];
