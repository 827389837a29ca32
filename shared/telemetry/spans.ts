import { type Attributes, type Context, context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ATTR } from './attributes.js';
import { tracer } from './instruments.js';

export interface SpanStart {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent; the active context when absent. */
  parent?: Context;
  /** A new trace, whatever is active. */
  root?: boolean;
}

/**
 * Runs `run` in a span that is active meanwhile and ends with it. What `run` throws marks the span ERROR with the
 * error's stable code only: messages and stacks may quote statements or warehouse answers, so they stay out.
 */
export function inSpan<T>(name: string, start: SpanStart, run: (span: Span) => Promise<T>): Promise<T> {
  const options = {
    kind: start.kind ?? SpanKind.INTERNAL,
    ...(start.attributes ? { attributes: start.attributes } : {}),
    ...(start.root ? { root: true } : {}),
  };
  return tracer().startActiveSpan(name, options, start.parent ?? context.active(), async (span) => {
    try {
      return await run(span);
    } catch (err) {
      failSpan(span, errorCodeOf(err));
      throw err;
    } finally {
      span.end();
    }
  });
}

export function failSpan(span: Span, code: string): void {
  span.setAttribute(ATTR.errorType, code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

const CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/** The stable code our errors carry (ConnectorError, StoreError...), else the error's class name. */
export function errorCodeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && CODE.test(code)) return code;
  return err instanceof Error && CODE.test(err.name) ? err.name : 'UNKNOWN';
}
