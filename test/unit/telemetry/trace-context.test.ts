import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { statementVerb } from '../../../shared/telemetry/statement-telemetry.js';
import { remoteParent } from '../../../shared/telemetry/trace-context.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

describe('the traceparent a task header carries', () => {
  it('continues the trace it names, sampled or not', () => {
    expect(trace.getSpanContext(remoteParent(`00-${TRACE}-${SPAN}-01`)!)).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: 1,
      isRemote: true,
    });
    expect(trace.getSpanContext(remoteParent(`00-${TRACE}-${SPAN}-00`)!)?.traceFlags).toBe(0);
  });

  it.each([
    ['absent', undefined],
    ['another version', `01-${TRACE}-${SPAN}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['upper case', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['trailing text', `00-${TRACE}-${SPAN}-01-x`],
    ['a header injection', `00-${TRACE}-${SPAN}-01\r\nX: y`],
  ])('starts a new trace when it is %s', (_name, traceparent) => {
    expect(remoteParent(traceparent)).toBeUndefined();
  });
});

describe('the verb a statement span names', () => {
  it.each([
    ['GRANT SELECT ON TABLE "A"."B" TO ROLE "R"', 'GRANT'],
    ['  revoke usage on schema `c`.`s` from `g`', 'REVOKE'],
    ['BEGIN\n  GRANT SELECT ON TABLE "A" TO ROLE "R";\nEND;', 'BEGIN'],
    ['SHOW GRANTS ON TABLE x', 'SHOW'],
  ])('%s -> %s', (sql, verb) => expect(statementVerb(sql)).toBe(verb));

  it('names no text that is not a keyword: a literal, an identifier or a comment first says OTHER', () => {
    for (const sql of ["'s3cr3t' AS x", '"SECRET_TABLE"', '-- token abc\nSELECT 1', '`t`'])
      expect(statementVerb(sql)).toBe('OTHER');
  });
});
