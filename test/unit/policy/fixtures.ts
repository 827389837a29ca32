import { type PolicySnapshot, type RangerPolicy, RangerPolicySchema } from '../../../shared/policy/index.js';

/** A policy written the way Ranger exports it (absent fields omitted), parsed through the real schema. */
export function policy(json: Record<string, unknown>): RangerPolicy {
  return RangerPolicySchema.parse(json);
}

export function snapshot(...policies: Record<string, unknown>[]): PolicySnapshot {
  return { version: 7, policies: policies.map(policy) };
}

/** Snowflake resource values for database.schema.table, or shorter. */
export function sf(database: string, schema?: string, table?: string, column?: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ database, schema, table, column }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
}

export const NOW = new Date('2026-06-01T12:00:00Z');
