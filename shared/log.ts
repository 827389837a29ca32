/** Structured log line; the functions layer routes it through the invocation context. */
export type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export const silentLog: Log = () => undefined;
