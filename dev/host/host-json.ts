import { readFileSync } from 'node:fs';

/** The host.json settings the local host honours, so it behaves like the Functions host it stands in for. */
export interface HostSettings {
  routePrefix: string;
  maxPollingMs: number;
  visibilityTimeoutMs: number;
  batchSize: number;
  maxDequeueCount: number;
}

const seconds = (span: string | undefined, fallback: number) => {
  if (!span) return fallback;
  const [h = '0', m = '0', s = '0'] = span.split(':');
  return (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000;
};

export function readHostSettings(path = new URL('../../host.json', import.meta.url)): HostSettings {
  const json = JSON.parse(readFileSync(path, 'utf8')) as {
    extensions?: { http?: { routePrefix?: string }; queues?: Record<string, unknown> };
  };
  const q = json.extensions?.queues ?? {};
  return {
    routePrefix: json.extensions?.http?.routePrefix ?? 'api',
    maxPollingMs: seconds(q.maxPollingInterval as string | undefined, 60_000),
    visibilityTimeoutMs: seconds(q.visibilityTimeout as string | undefined, 0),
    batchSize: Number(q.batchSize ?? 16),
    maxDequeueCount: Number(q.maxDequeueCount ?? 5),
  };
}
