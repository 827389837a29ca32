import type { Origin } from './item.js';

/**
 * Which shape one decoded message (or one element of a JSON array) has, judged by structure alone so that a
 * malformed instance of a known shape is reported against that shape ("CloudEvent without source") instead of
 * being called unknown. Order matters: a CloudEvent has a `type` like a V2 request; a diagnostics batch is
 * recognised by `records` whatever else it carries.
 */
export function classifyMessage(value: unknown): Origin {
  if (!isObject(value)) return 'unknown';
  if (Array.isArray(value.records)) return 'databricks_diagnostics';
  if ('specversion' in value) return 'cloudevents';
  if ('eventType' in value && 'id' in value) return 'event_grid';
  if (value.type === 'RESOURCE_SYNC' || value.type === 'PRINCIPAL_SYNC' || 'requestInfo' in value) return 'v2';
  return 'unknown';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
