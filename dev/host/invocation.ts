import { randomUUID } from 'node:crypto';
import functions, { type InvocationContext, type RetryContext, type TriggerMetadata } from '@azure/functions';

export type HostLog = (line: Record<string, unknown>) => void;

/** An invocation context whose logs come out as JSON lines, one per call, like the host's structured logs. */
export function invocationContext(
  functionName: string,
  log: HostLog,
  triggerMetadata: TriggerMetadata = {},
  retryContext?: RetryContext,
): InvocationContext {
  const invocationId = randomUUID();
  return new functions.InvocationContext({
    functionName,
    invocationId,
    triggerMetadata,
    ...(retryContext ? { retryContext } : {}),
    logHandler: (level, ...args) => {
      const [message, fields] = args;
      log({
        time: new Date().toISOString(),
        level,
        functionName,
        invocationId,
        message,
        ...(typeof fields === 'object' && fields ? fields : {}),
      });
    },
  });
}
