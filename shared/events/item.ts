import type { TaskRequest } from '../task/task-request.js';

/** Which message shape an item came from; the lead keeps it beside the task's `source: 'EVENT_HUB'`. */
export type Origin = 'v2' | 'databricks_diagnostics' | 'event_grid' | 'cloudevents' | 'unknown';

/**
 * One unit of work found in an Event Hub message: either a valid V2 request or the reason it is unusable.
 * Exactly one of `request` and `invalid` is set.
 */
export interface IngestItem {
  /** Idempotency key: the Event Hub event id, an envelope id prefixed with its origin, or `dbx:<digest of logIds>`. */
  dedupeKey: string;
  request?: TaskRequest;
  /** Why the message (or this element of it) is unusable; it becomes a SKIPPED task. */
  invalid?: string;
  origin: Origin;
}

/** Why a diagnostic record produced no resource. Noise is counted, never turned into tasks. */
export type DropReason =
  | 'malformed_record'
  | 'duplicate_log_id'
  | 'other_category'
  | 'read_operation'
  | 'credential_request'
  | 'unsupported_action'
  | 'failed_call'
  | 'unsupported_securable'
  | 'invalid_identifier';

export interface IngestResult {
  items: IngestItem[];
  /** DropReason -> number of diagnostic records dropped for it; reasons with no drops are absent. */
  dropped: Record<string, number>;
}
