import { SpanKind, trace } from '@opentelemetry/api';
import { ATTR } from './attributes.js';
import { instruments } from './instruments.js';
import { inSpan } from './spans.js';

/**
 * A statement's verb (GRANT, REVOKE, SHOW, SELECT, BEGIN for a Snowflake scripting block...): its first keyword,
 * letters only. The statement's text never reaches telemetry: it holds names, and mask bodies hold literals.
 */
export const statementVerb = (sql: string): string => /^\s*([A-Za-z]{1,32})\b/.exec(sql)?.[1]?.toUpperCase() ?? 'OTHER';

/**
 * One warehouse statement (its retries included) as a client span of the active span. Outside any span (a health
 * check, a watcher's read) it runs untraced: a root span per statement would only bury the tasks' traces.
 */
export function inStatementSpan<T>(system: string, sql: string, run: () => Promise<T>): Promise<T> {
  if (!trace.getActiveSpan()) return run();
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

/** The GRANT and REVOKE steps a connector applied: one statement each, whatever privileges it names. */
export function recordApplied(system: string, outcomes: readonly { ok: boolean; step: { op: string } }[]): void {
  const applied = (op: string) => outcomes.filter((o) => o.ok && o.step.op === op).length;
  const { grantsApplied, revokesApplied } = instruments();
  const grants = applied('GRANT');
  const revokes = applied('REVOKE');
  if (grants > 0) grantsApplied.add(grants, { [ATTR.dbSystem]: system });
  if (revokes > 0) revokesApplied.add(revokes, { [ATTR.dbSystem]: system });
}
