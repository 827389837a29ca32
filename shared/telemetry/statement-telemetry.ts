import { SpanKind } from '@opentelemetry/api';
import type { ResourceResult } from '../store/records.js';
import { ATTR } from './attributes.js';
import { instruments } from './instruments.js';
import { inSpan } from './spans.js';

/**
 * A statement's verb (GRANT, REVOKE, SHOW, SELECT, BEGIN for a Snowflake scripting block...): its first keyword,
 * letters only. The statement's text never reaches telemetry: it holds names, and mask bodies hold literals.
 */
export const statementVerb = (sql: string): string => /^\s*([A-Za-z]{1,32})\b/.exec(sql)?.[1]?.toUpperCase() ?? 'OTHER';

/** One warehouse statement (its retries included) as a client span of whatever span is active. */
export function inStatementSpan<T>(system: string, sql: string, run: () => Promise<T>): Promise<T> {
  const verb = statementVerb(sql);
  return inSpan(
    verb,
    { kind: SpanKind.CLIENT, attributes: { [ATTR.dbSystem]: system, [ATTR.dbOperation]: verb } },
    () => run(),
  );
}

/** One statement sent to the warehouse: a try of the retry policy counts once. */
export function countRoundTrip(system: string): void {
  instruments().roundTrips.add(1, { [ATTR.dbSystem]: system });
}

/** The grants and revokes a resource's sync applied (none in a dry run). */
export function recordApplied(system: string, result: Pick<ResourceResult, 'granted' | 'revoked'> | undefined): void {
  if (!result) return;
  const { grantsApplied, revokesApplied } = instruments();
  if (result.granted.length > 0) grantsApplied.add(result.granted.length, { [ATTR.dbSystem]: system });
  if (result.revoked.length > 0) revokesApplied.add(result.revoked.length, { [ATTR.dbSystem]: system });
}
