import { type PrincipalSyncRequest, PrincipalSyncRequestSchema } from './principal-request.js';
import { type SyncRequest, SyncRequestSchema } from './request.js';

export type TaskRequest = SyncRequest | PrincipalSyncRequest;

/**
 * Every task type a caller may send, told apart by `type`: one reading for the API and the Event Hub. Anything that
 * does not say PRINCIPAL_SYNC is read as RESOURCE_SYNC, the seed's only type, so its problems are named against it.
 */
export const parseTaskRequest = (value: unknown) =>
  (value as { type?: unknown } | null)?.type === 'PRINCIPAL_SYNC'
    ? PrincipalSyncRequestSchema.safeParse(value)
    : SyncRequestSchema.safeParse(value);
