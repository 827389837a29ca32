import type { Principal } from './securable.js';

/** A holder of a warehouse role: a user, or another role (which passes it on to its own holders). */
export interface Member {
  kind: 'user' | 'role';
  name: string;
}

/** One statement's worth of change to the role hierarchy, with why. */
export type MembershipStep =
  | { op: 'CREATE_ROLE'; role: string; reason: string }
  | { op: 'CREATE_USER'; user: string; reason: string }
  | { op: 'GRANT' | 'REVOKE'; role: string; member: Member; reason: string };

export interface MembershipOutcome {
  step: MembershipStep;
  sql: string;
  ok: boolean;
  error?: string;
}

/** A role as the warehouse lists it; `managed` says a sync created it (its comment carries our marker). */
export interface WarehouseRole {
  name: string;
  managed: boolean;
}

/**
 * A warehouse whose roles and their holders the sync manages (Snowflake). Reads are in bulk: one listing of the
 * roles and one of the users per task, and one read per role or user synced, never one per member.
 */
export interface MembershipPort {
  roles(): Promise<WarehouseRole[]>;
  users(): Promise<string[]>;
  /** The holders of each role that exists; a role that does not is absent from the answer. */
  membersOf(roles: readonly string[]): Promise<Map<string, Member[]>>;
  /** The roles granted to each user that exists. */
  rolesOf(users: readonly string[]): Promise<Map<string, string[]>>;
  apply(steps: MembershipStep[]): Promise<MembershipOutcome[]>;
  /** Whether a missing user is created (without a password) rather than reported. */
  readonly createsUsers: boolean;
  /** What a person can do about a missing user, for the warning that reports it. */
  readonly missingUserRemedy: string;
}

/**
 * A warehouse that can only say which principals exist (Unity Catalog over SQL): users, groups and service
 * principals live at the account level, beyond a workspace warehouse's reach.
 */
export interface PrincipalVisibility {
  /** Of `principals`: those SQL cannot see, and those it has no way to look for. */
  check(principals: readonly Principal[]): Promise<{ missing: Principal[]; unverifiable: Principal[] }>;
  /** What a person can do about a missing principal. */
  readonly remedy: string;
}
