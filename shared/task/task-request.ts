import { z } from 'zod';
import { PolicySyncRequestSchema } from './policy-request.js';
import { PrincipalSyncRequestSchema } from './principal-request.js';
import { SyncRequestSchema } from './request.js';

/** Every request type the API and the Event Hub accept, told apart by `type`: one schema, one normalizer, one record. */
export const TaskRequestSchema = z.discriminatedUnion('type', [
  SyncRequestSchema,
  PolicySyncRequestSchema,
  PrincipalSyncRequestSchema,
]);
export type TaskRequest = z.infer<typeof TaskRequestSchema>;
export type TaskType = TaskRequest['type'];

/**
 * Validates a request against the schema its `type` names. Any other type, or none, is read as RESOURCE_SYNC (the
 * seed product's one type), so its problems are reported against that schema, each with its path.
 */
export function parseTaskRequest(body: unknown): z.ZodSafeParseResult<TaskRequest> {
  const type = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined;
  if (type === 'POLICY_SYNC') return PolicySyncRequestSchema.safeParse(body);
  if (type === 'PRINCIPAL_SYNC') return PrincipalSyncRequestSchema.safeParse(body);
  return SyncRequestSchema.safeParse(body);
}

/** The type a request's problems are named against: the one it says, when it says one of ours. */
export const requestTypeOf = (body: unknown): TaskType => {
  const type = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined;
  return type === 'POLICY_SYNC' || type === 'PRINCIPAL_SYNC' ? type : 'RESOURCE_SYNC';
};

/** The resources a request names: a RESOURCE_SYNC's own; none for a request that names policies or principals. */
export const requestedResources = (request: TaskRequest | undefined) =>
  request === undefined ? undefined : request.type === 'RESOURCE_SYNC' ? request.requestInfo.resources : [];
