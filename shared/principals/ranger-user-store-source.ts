import { z } from 'zod';
import { carriesCredentials } from '../credential-url.js';
import { PolicyError } from '../policy/errors.js';
import type { RangerAdminSourceOptions } from '../policy/ranger-admin-source.js';
import type { PrincipalSource, UserStore, UserStoreSnapshot } from './user-store.js';

/**
 * What Ranger Admin answers to the downloads its own plugins poll (apache/ranger agents-common,
 * RangerRESTUtils: REST_URL_SERVICE_SERCURE_GET_USERSTORE `/service/xusers/secure/download/{service}` with
 * `lastKnownUserStoreVersion`, and REST_URL_SERVICE_SERCURE_GET_USER_GROUP_ROLES `/service/roles/secure/download/{service}`
 * with `lastKnownRoleVersion`; both answer 304 Not Modified while the version is current). RangerUserStore carries
 * `userGroupMapping` (user -> groups) and the attribute maps whose keys are every user and group; RangerRoles carries
 * `rangerRoles`, each with its member users, groups and roles as `{name, isAdmin}`.
 */
const member = z.object({ name: z.string().min(1) });
const RangerUserStoreSchema = z.object({
  userStoreVersion: z.number().nullish(),
  userGroupMapping: z.record(z.string(), z.array(z.string())).nullish(),
  userAttrMapping: z.record(z.string(), z.unknown()).nullish(),
  groupAttrMapping: z.record(z.string(), z.unknown()).nullish(),
});
const RangerRolesSchema = z.object({
  roleVersion: z.number().nullish(),
  rangerRoles: z
    .array(
      z.object({
        name: z.string().min(1),
        users: z.array(member).nullish(),
        groups: z.array(member).nullish(),
        roles: z.array(member).nullish(),
      }),
    )
    .nullish(),
});
type RangerUserStore = z.output<typeof RangerUserStoreSchema>;
type RangerRoles = z.output<typeof RangerRolesSchema>;

/** The policy source's connection: the same Ranger Admin, service and credentials. */
export type RangerUserStoreSourceOptions = RangerAdminSourceOptions;

/**
 * Principals from Ranger Admin with the policy source's credentials: the user store and the roles, each downloaded
 * only when its version moved (304 keeps what we have). A failure after a first good load keeps the last good
 * snapshot — Ranger being down must not revoke memberships; the first load failing throws POLICY_UNAVAILABLE.
 * Credentials never appear in messages.
 */
export function rangerUserStoreSource(opts: RangerUserStoreSourceOptions): PrincipalSource {
  if (carriesCredentials(opts.url))
    throw new PolicyError('POLICY_UNAVAILABLE', 'RANGER_URL must not carry credentials (user:password@)');
  const doFetch = opts.fetch ?? fetch;
  const clock = opts.now ?? (() => new Date());
  const base = opts.url.replace(/\/+$/, '');
  const service = encodeURIComponent(opts.serviceName);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.username !== undefined)
    headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
  let users: RangerUserStore | undefined;
  let roles: RangerRoles | undefined;
  let last: UserStoreSnapshot | undefined;

  async function download<T>(
    path: string,
    versionParam: string,
    version: number | null | undefined,
    schema: z.ZodType<T>,
    had: T | undefined,
  ) {
    const query = new URLSearchParams({
      [versionParam]: String(had === undefined ? -1 : (version ?? -1)),
      pluginId: opts.pluginId ?? 'policysync',
    });
    const response = await doFetch(`${base}${path}/${service}?${query}`, {
      headers,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    if (response.status === 304 && had !== undefined) return had;
    if (response.status !== 200) throw new PolicyError('POLICY_UNAVAILABLE', describeStatus(response.status, path));
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success)
      throw new PolicyError('POLICY_UNAVAILABLE', `Ranger Admin's ${path} answer is not the expected shape`);
    return parsed.data;
  }

  return {
    async current() {
      try {
        const [u, r] = await Promise.all([
          download(
            '/service/xusers/secure/download',
            'lastKnownUserStoreVersion',
            users?.userStoreVersion,
            RangerUserStoreSchema,
            users,
          ),
          download(
            '/service/roles/secure/download',
            'lastKnownRoleVersion',
            roles?.roleVersion,
            RangerRolesSchema,
            roles,
          ),
        ]);
        if (last && u === users && r === roles) return last;
        users = u;
        roles = r;
        last = {
          store: userStoreOf(u, r),
          version: `${u.userStoreVersion ?? 'none'}.${r.roleVersion ?? 'none'}`,
          loadedAt: clock().toISOString(),
        };
        return last;
      } catch (error) {
        if (last) return last;
        const reason =
          error instanceof PolicyError ? error.message : `cannot reach Ranger Admin: ${(error as Error).message}`;
        throw new PolicyError('POLICY_UNAVAILABLE', `no principals could be loaded: ${reason}`);
      }
    },
  };
}

function userStoreOf(u: RangerUserStore, r: RangerRoles): UserStore {
  const mapping = u.userGroupMapping ?? {};
  const groups = new Map<string, string[]>(Object.keys(u.groupAttrMapping ?? {}).map((g) => [g, []]));
  for (const [user, of] of Object.entries(mapping)) for (const g of of) groups.set(g, [...(groups.get(g) ?? []), user]);
  const names = (list: { name: string }[] | null | undefined) => (list ?? []).map((m) => m.name);
  return {
    users: [...new Set([...Object.keys(u.userAttrMapping ?? {}), ...Object.keys(mapping)])],
    groups: [...groups].map(([name, members]) => ({ name, members })),
    roles: (r.rangerRoles ?? []).map((role) => ({
      name: role.name,
      users: names(role.users),
      groups: names(role.groups),
      roles: names(role.roles),
    })),
  };
}

function describeStatus(status: number, path: string): string {
  if (status === 401 || status === 403)
    return `Ranger Admin refused the credentials (HTTP ${status}) for ${path}; check RANGER_USERNAME and RANGER_PASSWORD`;
  if (status === 404) return `Ranger Admin answered 404 for ${path}; check RANGER_SERVICE_NAME`;
  return `Ranger Admin answered HTTP ${status} for ${path}`;
}
