import type { Member, MembershipStep } from '../connectors/membership-port.js';
import { membershipsOf, type UserStore } from '../principals/user-store.js';

export type RangerPrincipal = { type: 'group' | 'role'; name: string };

/** How Ranger names become warehouse names: a group or role becomes a role, a user a user. */
export interface MembershipNaming {
  role(p: RangerPrincipal): string;
  user(name: string): string;
}

/** What Ranger wants of the warehouse's role hierarchy, by warehouse name. */
export interface DesiredMemberships {
  /** Every role Ranger has (its groups and roles), with where it comes from: the roles whose holders Ranger decides. */
  roles: Map<string, RangerPrincipal>;
  /** Each of those roles' holders. */
  members: Map<string, Member[]>;
  /** Each user's roles among them. */
  rolesOfUser: Map<string, string[]>;
}

const memberKey = (m: Member) => `${m.kind}:${m.name}`;

/**
 * Ranger's memberships as warehouse grants: a group's users hold the group's role; a Ranger role is held by its
 * users, by its groups' roles and by its member roles (GRANT ROLE r TO ROLE g: g's holders get r).
 */
export function desiredMemberships(store: UserStore, naming: MembershipNaming): DesiredMemberships {
  const m = membershipsOf(store);
  const roles = new Map<string, RangerPrincipal>();
  const members = new Map<string, Map<string, Member>>();
  const add = (role: string, member: Member) => {
    const list = members.get(role) ?? new Map<string, Member>();
    list.set(memberKey(member), member);
    members.set(role, list);
  };
  for (const [group, users] of m.groupMembers) {
    const role = naming.role({ type: 'group', name: group });
    roles.set(role, { type: 'group', name: group });
    members.set(role, members.get(role) ?? new Map());
    for (const u of users) add(role, { kind: 'user', name: naming.user(u) });
  }
  for (const [name, of] of m.roleMembers) {
    const role = naming.role({ type: 'role', name });
    roles.set(role, { type: 'role', name });
    members.set(role, members.get(role) ?? new Map());
    for (const u of of.users) add(role, { kind: 'user', name: naming.user(u) });
    for (const g of of.groups) add(role, { kind: 'role', name: naming.role({ type: 'group', name: g }) });
    for (const r of of.roles) add(role, { kind: 'role', name: naming.role({ type: 'role', name: r }) });
  }
  const rolesOfUser = new Map<string, string[]>();
  const flat = new Map([...members].map(([role, list]) => [role, [...list.values()]]));
  for (const [role, list] of flat)
    for (const member of list)
      if (member.kind === 'user') rolesOfUser.set(member.name, [...(rolesOfUser.get(member.name) ?? []), role]);
  return { roles, members: flat, rolesOfUser };
}

/** What the warehouse has, for the roles and users a sync covers. */
export interface ActualMemberships {
  /** Holders of the covered roles that exist. */
  members: Map<string, Member[]>;
  /** Roles of the covered users that exist. */
  rolesOfUser: Map<string, string[]>;
  existingRoles: ReadonlySet<string>;
  existingUsers: ReadonlySet<string>;
}

export interface MembershipPlanInput {
  desired: DesiredMemberships;
  actual: ActualMemberships;
  /** The roles whose holders are made Ranger's (each must be one Ranger has). */
  roles: readonly string[];
  /** The users whose roles among Ranger's are made Ranger's. */
  users: readonly string[];
  /** The principal scope: a role or user outside it is never granted, revoked or created. */
  manages: (name: string) => boolean;
  createUsers: boolean;
}

export interface MembershipPlan {
  steps: MembershipStep[];
  warnings: string[];
  /** Memberships already as Ranger has them. */
  unchanged: number;
}

/**
 * The steps that make the covered roles' holders and the covered users' roles what Ranger says, inside the scope:
 * missing roles are created (never dropped), grants come before revokes (no access gap), and a membership whose role
 * or holder is outside the scope is left exactly as it is. A missing user is created only when allowed; otherwise
 * its grants are left out and reported.
 */
export function planMemberships(input: MembershipPlanInput): MembershipPlan {
  const { desired, actual, manages } = input;
  const warnings: string[] = [];
  const wanted = new Map<string, { role: string; member: Member; reason: string }>();
  const held = new Map<string, { role: string; member: Member }>();
  const edgeKey = (role: string, member: Member) => JSON.stringify([role, member.kind, member.name]);
  const origin = (role: string) => {
    const from = desired.roles.get(role);
    return from ? `Ranger ${from.type} ${from.name}` : 'Ranger';
  };

  for (const role of input.roles) {
    for (const member of desired.members.get(role) ?? [])
      wanted.set(edgeKey(role, member), { role, member, reason: `member of ${origin(role)}` });
    for (const member of actual.members.get(role) ?? []) held.set(edgeKey(role, member), { role, member });
  }
  for (const user of input.users) {
    for (const role of desired.rolesOfUser.get(user) ?? [])
      wanted.set(edgeKey(role, { kind: 'user', name: user }), {
        role,
        member: { kind: 'user', name: user },
        reason: `member of ${origin(role)}`,
      });
    for (const role of actual.rolesOfUser.get(user) ?? [])
      if (desired.roles.has(role))
        held.set(edgeKey(role, { kind: 'user', name: user }), { role, member: { kind: 'user', name: user } });
  }

  const inScope = (e: { role: string; member: Member }) => manages(e.role) && manages(e.member.name);
  const creates: MembershipStep[] = [];
  const createdRoles = new Set<string>();
  const createdUsers = new Set<string>();
  const missingUsers = new Set<string>();
  const grants: MembershipStep[] = [];
  let unchanged = 0;
  for (const [key, e] of wanted) {
    if (held.has(key)) {
      unchanged++;
      continue;
    }
    if (!inScope(e)) continue;
    if (e.member.kind === 'user' && !actual.existingUsers.has(e.member.name) && !createdUsers.has(e.member.name)) {
      if (!input.createUsers) {
        missingUsers.add(e.member.name);
        continue;
      }
      createdUsers.add(e.member.name);
      creates.push({ op: 'CREATE_USER', user: e.member.name, reason: `member of ${origin(e.role)}` });
    }
    for (const role of [e.role, ...(e.member.kind === 'role' ? [e.member.name] : [])]) {
      if (actual.existingRoles.has(role) || createdRoles.has(role)) continue;
      createdRoles.add(role);
      creates.push({ op: 'CREATE_ROLE', role, reason: origin(role) });
    }
    grants.push({ op: 'GRANT', role: e.role, member: e.member, reason: e.reason });
  }
  // A covered role Ranger has gets its warehouse role even while nobody holds it.
  for (const role of input.roles) {
    if (actual.existingRoles.has(role) || createdRoles.has(role) || !manages(role)) continue;
    createdRoles.add(role);
    creates.push({ op: 'CREATE_ROLE', role, reason: origin(role) });
  }
  const revokes: MembershipStep[] = [...held]
    .filter(([key, e]) => !wanted.has(key) && inScope(e))
    .map(([, e]) => ({ op: 'REVOKE', role: e.role, member: e.member, reason: `not a member in Ranger` }));
  if (missingUsers.size > 0) {
    const shown = [...missingUsers].slice(0, 20).join(', ');
    warnings.push(
      `${missingUsers.size} user(s) do not exist in the warehouse, so their memberships were not granted: ${shown}${missingUsers.size > 20 ? ', …' : ''}`,
    );
  }
  return { steps: [...creates, ...grants, ...revokes], warnings, unchanged };
}
