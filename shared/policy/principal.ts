import type { RangerPolicyItem } from './model.js';

/** Ranger's built-in group every user belongs to, and the item user that stands for "the requesting user". */
export const GROUP_PUBLIC = 'public';
export const USER_CURRENT = '{USER}';

/** Who is asking: the user, their groups and their roles (direct, and through role membership). */
export interface Principal {
  user: string;
  groups: ReadonlySet<string>;
  roles: ReadonlySet<string>;
}

/** Role membership input (Ranger's RangerRoles): role name -> its member users and groups. */
export type RoleMembers = Record<string, { users?: string[]; groups?: string[] }>;

export function principalOf(
  user: string,
  userGroups: string[],
  userRoles: string[] = [],
  roleMembers: RoleMembers = {},
): Principal {
  const groups = new Set([...userGroups, GROUP_PUBLIC]);
  const roles = new Set(userRoles);
  for (const [role, members] of Object.entries(roleMembers)) {
    if (members.users?.includes(user) || members.groups?.some((g) => groups.has(g))) roles.add(role);
  }
  return { user, groups, roles };
}

/** Whether a policy item names this principal: as the user, `{USER}`, one of its groups (`public` always), or a role. */
export function itemNamesPrincipal(item: RangerPolicyItem, who: Principal): boolean {
  return (
    item.users.some((u) => u === who.user || u === USER_CURRENT) ||
    item.groups.some((g) => who.groups.has(g)) ||
    item.roles.some((r) => who.roles.has(r))
  );
}
