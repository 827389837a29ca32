import { z } from 'zod';

/**
 * Ranger's principals as policysync reads them: users, groups with their member users, and Ranger roles with their
 * member users, groups and (nested) roles. PRINCIPALS_FILE holds this shape; Ranger Admin's user store and role
 * downloads are read into it (ranger-user-store-source.ts).
 */
const name = z.string().min(1).max(1024);
const names = z.array(name).default([]);

export const UserStoreSchema = z.object({
  users: names,
  groups: z.array(z.object({ name, members: names })).default([]),
  roles: z.array(z.object({ name, users: names, groups: names, roles: names })).default([]),
});
export type UserStore = z.output<typeof UserStoreSchema>;
/** The file's form: lists may be left out. */
export type UserStoreInput = z.input<typeof UserStoreSchema>;

/** The principals with the version they were read at (Ranger's user store and role versions; null for a file). */
export interface UserStoreSnapshot {
  store: UserStore;
  version: string | null;
  loadedAt: string;
}

/** Where principals come from. `current()` returns the newest good snapshot. */
export interface PrincipalSource {
  current(): Promise<UserStoreSnapshot>;
}

/** Who is a member of whom, by Ranger name: a group's users; a role's users, groups and roles. */
export interface Memberships {
  groupMembers: ReadonlyMap<string, readonly string[]>;
  roleMembers: ReadonlyMap<string, { users: readonly string[]; groups: readonly string[]; roles: readonly string[] }>;
  users: ReadonlySet<string>;
}

/** The store as lookups; a group or user named in two places counts once, its members joined. */
export function membershipsOf(store: UserStore): Memberships {
  const groupMembers = new Map<string, string[]>();
  for (const g of store.groups)
    groupMembers.set(g.name, [...new Set([...(groupMembers.get(g.name) ?? []), ...g.members])]);
  const roleMembers = new Map<string, { users: string[]; groups: string[]; roles: string[] }>();
  for (const r of store.roles) {
    const had = roleMembers.get(r.name) ?? { users: [], groups: [], roles: [] };
    roleMembers.set(r.name, {
      users: [...new Set([...had.users, ...r.users])],
      groups: [...new Set([...had.groups, ...r.groups])],
      roles: [...new Set([...had.roles, ...r.roles])],
    });
  }
  const users = new Set([
    ...store.users,
    ...store.groups.flatMap((g) => g.members),
    ...store.roles.flatMap((r) => r.users),
  ]);
  return { groupMembers, roleMembers, users };
}
