import { carriesCredentials } from '../credential-url.js';
import { PolicyError } from './errors.js';
import type { PolicySnapshot } from './model.js';
import { parsePolicies } from './parse.js';
import type { PolicySource } from './source.js';

export interface RangerAdminSourceOptions {
  /** Ranger Admin base URL (RANGER_URL), e.g. https://ranger.example.com:6182 */
  url: string;
  /** The Ranger service whose policies to download (RANGER_SERVICE_NAME). */
  serviceName: string;
  username?: string;
  password?: string;
  /** Identifies this plugin to Ranger Admin (shown under Audit > Plugins). */
  pluginId?: string;
  fetch?: typeof fetch;
  now?: () => Date;
  timeoutMs?: number;
}

/**
 * Policies from Ranger Admin, polled the way Ranger's own plugins poll (RangerAdminRESTClient.getServicePoliciesIfUpdated):
 * GET /service/plugins/secure/policies/download/{service} when we authenticate (Ranger Admin then checks that the
 * user may download the service's policies: an admin, or one of its `policy.download.auth.users`), the unauthenticated
 * /service/plugins/policies/download/{service} otherwise, with `lastKnownVersion` (-1 at first), `lastActivationTime`
 * (when the last set took effect here, epoch ms) and `pluginId`. 304 Not Modified (or 204) keeps the current snapshot;
 * any failure after a first good load keeps the last good snapshot — Ranger being down must not revoke grants. The
 * first load failing throws PolicyError POLICY_UNAVAILABLE. Credentials never appear in messages.
 */
export function rangerAdminSource(opts: RangerAdminSourceOptions): PolicySource {
  if (carriesCredentials(opts.url)) {
    throw new PolicyError(
      'POLICY_UNAVAILABLE',
      'RANGER_URL must not carry credentials (user:password@); set RANGER_USERNAME and RANGER_PASSWORD',
    );
  }
  const doFetch = opts.fetch ?? fetch;
  const clock = opts.now ?? (() => new Date());
  let last: PolicySnapshot | undefined;
  let activatedAt = 0;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.username !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
  }
  const download = opts.username !== undefined ? 'secure/policies/download' : 'policies/download';
  const endpoint = `${opts.url.replace(/\/+$/, '')}/service/plugins/${download}/${encodeURIComponent(opts.serviceName)}`;

  return {
    async current() {
      const query = new URLSearchParams({
        lastKnownVersion: String(last?.version ?? -1),
        lastActivationTime: String(activatedAt),
        pluginId: opts.pluginId ?? 'policysync',
      });
      try {
        const response = await doFetch(`${endpoint}?${query}`, {
          headers,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
        });
        if ((response.status === 304 || response.status === 204) && last) return last;
        if (response.status !== 200)
          throw new PolicyError('POLICY_UNAVAILABLE', describeStatus(response.status, opts.serviceName));
        const parsed = parsePolicies(await response.json());
        const at = clock();
        last = {
          ...parsed,
          loadedAt: at.toISOString(),
          ...(parsed.version !== null ? { revision: `v${parsed.version}` } : {}),
        };
        activatedAt = at.getTime();
        return last;
      } catch (error) {
        if (last) return last;
        if (error instanceof PolicyError && error.code === 'POLICY_UNAVAILABLE') throw error;
        const reason =
          error instanceof PolicyError
            ? error.message
            : `cannot reach Ranger Admin at ${shownUrl(opts.url)}: ${(error as Error).message}`;
        throw new PolicyError('POLICY_UNAVAILABLE', `no policies could be loaded: ${reason}`);
      }
    },
  };
}

/** The endpoint as messages show it: scheme, host and path, never a query string that could hold a token. */
function shownUrl(url: string): string {
  try {
    const { origin, pathname } = new URL(url);
    return `${origin}${pathname}`;
  } catch {
    return '(RANGER_URL is not a URL)';
  }
}

function describeStatus(status: number, service: string): string {
  if (status === 401 || status === 403)
    return `Ranger Admin refused the credentials (HTTP ${status}); check RANGER_USERNAME and RANGER_PASSWORD`;
  if (status === 404) return `Ranger Admin knows no service "${service}" (HTTP 404); check RANGER_SERVICE_NAME`;
  if (status === 304) return `Ranger Admin answered 304 Not Modified before any policies were loaded`;
  return `Ranger Admin answered HTTP ${status} for service "${service}"`;
}
