import type { MembershipPort, MembershipStep } from '../connectors/membership-port.js';
import { planMemberships } from '../plan/membership-plan.js';
import type { ResourceResult } from '../store/records.js';
import { ALL_PRINCIPALS } from '../task/principal-request.js';
import type { ResourceRef } from '../task/request.js';
import type { PrincipalContext } from './principal-context.js';
import type { ResourceOutcome } from './resource-sync.js';

const OUT_OF_SCOPE =
  "is outside the managed scope of principals (PRINCIPAL_SYNC_INCLUDE / PRINCIPAL_SYNC_EXCLUDE, IGNORE_ROLES, the system roles, the connector's own role): left untouched";

/** The warehouse's roles and users, listed once per task. */
export interface WarehousePrincipals {
  roles: Map<string, { managed: boolean }>;
  users: Set<string>;
}

export async function listWarehousePrincipals(port: MembershipPort): Promise<WarehousePrincipals> {
  const [roles, users] = await Promise.all([port.roles(), port.users()]);
  return { roles: new Map(roles.map((r) => [r.name, { managed: r.managed }])), users: new Set(users) };
}

/**
 * One requested principal on a warehouse whose role hierarchy the sync manages: read the holders of the roles it
 * covers (or the user's roles) in bulk, plan inside the scope, apply. `*` covers every role Ranger has of that type.
 */
export async function syncMemberships(
  ref: ResourceRef,
  ctx: PrincipalContext,
  port: MembershipPort,
  warehouse: WarehousePrincipals,
): Promise<ResourceOutcome> {
  const type = ref.type as 'user' | 'group' | 'role';
  const name = ref.values.name ?? '';
  const all = name === ALL_PRINCIPALS;
  let roles: string[] = [];
  let users: string[] = [];
  const warnings: string[] = [];
  if (type === 'user') {
    if (all) roles = [...ctx.desired.roles.keys()];
    else users = [ctx.naming.user(name)];
  } else if (all) {
    roles = [...ctx.desired.roles].filter(([, from]) => from.type === type).map(([role]) => role);
  } else {
    const role = ctx.naming.role({ type, name });
    if (!ctx.desired.roles.has(role)) {
      const orphan = warehouse.roles.get(role)?.managed
        ? `; role ${role} is an orphaned managed role (${orphanNote})`
        : '';
      return { status: 'SKIPPED', message: `not found: Ranger has no ${type} ${name}${orphan}` };
    }
    roles = [role];
  }
  const single = roles.length + users.length === 1 && !all;
  if (single && !ctx.manages(roles[0] ?? users[0]!))
    return { status: 'SKIPPED', message: `${type} ${name} (${roles[0] ?? users[0]}) ${OUT_OF_SCOPE}` };
  roles = roles.filter(ctx.manages);
  users = users.filter(ctx.manages);

  const [members, rolesOfUser] = await Promise.all([
    port.membersOf(roles.filter((r) => warehouse.roles.has(r))),
    port.rolesOf(users.filter((u) => warehouse.users.has(u))),
  ]);
  const plan = planMemberships({
    desired: ctx.desired,
    actual: { members, rolesOfUser, existingRoles: new Set(warehouse.roles.keys()), existingUsers: warehouse.users },
    roles,
    users,
    manages: ctx.manages,
    createUsers: port.createsUsers,
  });
  warnings.push(...plan.warnings.map((w) => `${w} (${port.missingUserRemedy})`));
  if (all) warnings.push(...orphans(ctx, warehouse, type));
  const base: ResourceResult = {
    granted: [],
    revoked: [],
    unchanged: plan.unchanged,
    warnings,
    statements: [],
    plan: plan.steps.map(planLine),
    ...(ctx.snapshot.version !== null ? { policyVersion: ctx.snapshot.version } : {}),
    ...(ctx.dryRun ? { dryRun: true } : {}),
  };
  if (plan.steps.length === 0) return { status: 'SUCCESS', message: 'already in sync', result: base };
  if (ctx.dryRun)
    return {
      status: 'SUCCESS',
      message: `dry run: ${plan.steps.length} change(s) planned, none applied`,
      result: base,
    };
  const outcomes = await port.apply(plan.steps);
  const done = outcomes.filter((o) => o.ok);
  // The task's later rows read the listing taken before this one: what it created exists for them now.
  for (const { step } of done) {
    if (step.op === 'CREATE_ROLE') warehouse.roles.set(step.role, { managed: true });
    if (step.op === 'CREATE_USER') warehouse.users.add(step.user);
  }
  const result: ResourceResult = {
    ...base,
    granted: done.filter((o) => o.step.op !== 'REVOKE').map((o) => change(o.step)),
    revoked: done.filter((o) => o.step.op === 'REVOKE').map((o) => change(o.step)),
    statements: outcomes.map((o) => ({ sql: o.sql, ok: o.ok, ...(o.error !== undefined ? { error: o.error } : {}) })),
  };
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) {
    const first = failed[0]!;
    return {
      status: 'FAILED',
      message: `${failed.length} of ${outcomes.length} statement(s) failed; first: ${first.sql} -> ${first.error}`,
      result,
    };
  }
  return {
    status: 'SUCCESS',
    message: `${result.granted.length} grant(s) or creation(s), ${result.revoked.length} revoke(s) applied`,
    result,
  };
}

const orphanNote = 'Ranger no longer has it; policysync never drops a role: drop it or keep it by hand';

/** Roles a sync created whose Ranger group or role is gone: reported, never dropped. */
function orphans(ctx: PrincipalContext, warehouse: WarehousePrincipals, type: string): string[] {
  if (type === 'user') return [];
  const gone = [...warehouse.roles]
    .filter(([role, r]) => r.managed && ctx.manages(role) && !ctx.desired.roles.has(role))
    .map(([role]) => role);
  if (gone.length === 0) return [];
  return [
    `${gone.length} orphaned managed role(s): ${gone.slice(0, 20).join(', ')}${gone.length > 20 ? ', …' : ''} (${orphanNote})`,
  ];
}

function change(step: MembershipStep): string {
  switch (step.op) {
    case 'CREATE_ROLE':
      return `CREATE ROLE ${step.role}`;
    case 'CREATE_USER':
      return `CREATE USER ${step.user}`;
    default:
      return `ROLE ${step.role} ${step.op === 'GRANT' ? 'TO' : 'FROM'} ${step.member.kind.toUpperCase()} ${step.member.name}`;
  }
}

function planLine(step: MembershipStep): ResourceResult['plan'][number] {
  switch (step.op) {
    case 'CREATE_ROLE':
      return { op: 'CREATE ROLE', object: `role ${step.role}`, principal: '', privileges: [], reason: step.reason };
    case 'CREATE_USER':
      return { op: 'CREATE USER', object: `user ${step.user}`, principal: '', privileges: [], reason: step.reason };
    default:
      return {
        op: `${step.op} ROLE`,
        object: `role ${step.role}`,
        principal: `${step.member.kind} ${step.member.name}`,
        privileges: [],
        reason: step.reason,
      };
  }
}
