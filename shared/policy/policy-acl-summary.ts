import { itemAccessTypes } from './accesses.js';
import type { RangerPolicy, RangerPolicyItem } from './model.js';
import { GROUP_PUBLIC, USER_CURRENT } from './principal.js';
import { concreteAccessTypes, type ServiceDef } from './service-defs.js';

/** Ranger's access codes (RangerPolicyEvaluator.ACCESS_*), kept numeric because its merge rules add them. */
export const ACCESS_DENIED = -1;
export const ACCESS_UNDETERMINED = 0;
export const ACCESS_ALLOWED = 1;
export const ACCESS_CONDITIONAL = 2;

export type AccessCode = -1 | 0 | 1 | 2;
type Table = Map<string, Map<string, number>>;
export interface PolicyAclSummary {
  users: Table;
  groups: Table;
  roles: Table;
}

type ItemKind = 'allow' | 'allow-exception' | 'deny' | 'deny-exception';

/**
 * What one access policy says about each principal named in it, independent of any request
 * (RangerPolicyEvaluator.PolicyACLSummary). Where the outcome depends on something unknown statically — a custom
 * condition, an exception naming a group whose members we do not know, or `public` with per-user exceptions — the
 * result is CONDITIONAL.
 */
export function policyAclSummary(policy: RangerPolicy, def: ServiceDef): PolicyAclSummary {
  const cached = summaryCache.get(policy)?.get(def);
  if (cached) return cached;
  const summary = computeSummary(policy, def);
  const perDef = summaryCache.get(policy) ?? new WeakMap<ServiceDef, PolicyAclSummary>();
  perDef.set(def, summary);
  summaryCache.set(policy, perDef);
  return summary;
}
const summaryCache = new WeakMap<RangerPolicy, WeakMap<ServiceDef, PolicyAclSummary>>();

function computeSummary(policy: RangerPolicy, def: ServiceDef): PolicyAclSummary {
  const summary: PolicyAclSummary = { users: new Map(), groups: new Map(), roles: new Map() };
  const allowExceptionsUncertain =
    hasNonPublicGroupOrConditions(policy.allowExceptions) ||
    hasPublicAndUserExceptions(policy.policyItems, policy.allowExceptions);
  const denyExceptionsUncertain =
    hasNonPublicGroupOrConditions(policy.denyExceptions) ||
    hasPublicAndUserExceptions(policy.denyPolicyItems, policy.denyExceptions);

  for (const item of policy.denyPolicyItems)
    processItem(summary, item, 'deny', denyExceptionsUncertain, def, policy.isDenyAllElse);
  if (!denyExceptionsUncertain) {
    for (const item of policy.denyExceptions)
      processItem(summary, item, 'deny-exception', false, def, policy.isDenyAllElse);
  }
  for (const item of policy.policyItems)
    processItem(summary, item, 'allow', allowExceptionsUncertain, def, policy.isDenyAllElse);
  if (!allowExceptionsUncertain) {
    for (const item of policy.allowExceptions)
      processItem(summary, item, 'allow-exception', false, def, policy.isDenyAllElse);
  }
  finalize(summary, policy.isDenyAllElse, concreteAccessTypes(def));
  return summary;
}

function hasNonPublicGroupOrConditions(items: RangerPolicyItem[]): boolean {
  return items.some((i) => i.conditions.length > 0 || i.groups.some((g) => g !== GROUP_PUBLIC) || i.roles.length > 0);
}

function mentionsEveryone(item: RangerPolicyItem): boolean {
  return item.groups.includes(GROUP_PUBLIC) || item.users.includes(USER_CURRENT);
}

/** `public` is granted (or denied) but exceptions name users: who is excepted depends on the user. */
function hasPublicAndUserExceptions(grants: RangerPolicyItem[], exceptions: RangerPolicyItem[]): boolean {
  return exceptions.length > 0 && grants.some(mentionsEveryone) && !exceptions.some(mentionsEveryone);
}

function processItem(
  summary: PolicyAclSummary,
  item: RangerPolicyItem,
  kind: ItemKind,
  uncertain: boolean,
  def: ServiceDef,
  isDenyAllElse: boolean,
): void {
  const conditional = uncertain || item.conditions.length > 0;
  const value =
    kind === 'allow'
      ? conditional
        ? ACCESS_CONDITIONAL
        : ACCESS_ALLOWED
      : kind === 'deny'
        ? conditional
          ? ACCESS_CONDITIONAL
          : ACCESS_DENIED
        : conditional
          ? null
          : kind === 'allow-exception'
            ? ACCESS_DENIED
            : ACCESS_ALLOWED;
  if (value === null) return;
  const everyone = mentionsEveryone(item);
  for (const access of itemAccessTypes(item, def)) {
    for (const user of item.users)
      if (user !== USER_CURRENT && user.trim()) add(summary.users, user, access, value, kind, isDenyAllElse);
    for (const group of item.groups)
      if (group !== GROUP_PUBLIC) add(summary.groups, group, access, value, kind, isDenyAllElse);
    if (everyone) add(summary.groups, GROUP_PUBLIC, access, value, kind, isDenyAllElse);
    for (const role of item.roles) add(summary.roles, role, access, value, kind, isDenyAllElse);
  }
}

/** PolicyACLSummary.addAccess: the merge rules of items within one policy, on Ranger's numeric codes. */
function add(table: Table, name: string, access: string, value: number, kind: ItemKind, isDenyAllElse: boolean): void {
  const perPrincipal = table.get(name) ?? new Map<string, number>();
  table.set(name, perPrincipal);
  const current = perPrincipal.get(access);
  if (current === undefined) {
    if (kind === 'allow' || kind === 'deny') perPrincipal.set(access, value);
    // In a deny-all-else policy a principal named only in an exception is still someone the policy denies.
    else if (isDenyAllElse) perPrincipal.set(access, ACCESS_UNDETERMINED);
    if (perPrincipal.size === 0) table.delete(name);
    return;
  }
  if (value === ACCESS_DENIED) {
    if (current === ACCESS_CONDITIONAL) perPrincipal.set(access, value);
    else perPrincipal.set(access, Math.max(current + value, kind === 'deny' ? ACCESS_DENIED : ACCESS_UNDETERMINED));
  } else if (value === ACCESS_ALLOWED) {
    if (current === ACCESS_CONDITIONAL) {
      if (kind === 'allow') perPrincipal.set(access, value);
    } else {
      perPrincipal.set(access, Math.min(current + value, kind === 'allow' ? ACCESS_ALLOWED : ACCESS_UNDETERMINED));
    }
  } else if (current === ACCESS_UNDETERMINED) {
    perPrincipal.set(access, value);
  }
}

/** PolicyACLSummary.finalizeAcls: a decided `public` entry speaks for everyone; deny-all-else denies the rest. */
function finalize(summary: PolicyAclSummary, isDenyAllElse: boolean, allAccessTypes: string[]): void {
  const publicAccess = summary.groups.get(GROUP_PUBLIC);
  if (publicAccess) {
    for (const [access, result] of publicAccess) {
      if (result !== ACCESS_DENIED && result !== ACCESS_ALLOWED) continue;
      for (const [name, perPrincipal] of summary.users) {
        perPrincipal.delete(access);
        if (perPrincipal.size === 0) summary.users.delete(name);
      }
      for (const [name, perPrincipal] of summary.groups) {
        if (name === GROUP_PUBLIC) continue;
        perPrincipal.delete(access);
        if (perPrincipal.size === 0) summary.groups.delete(name);
      }
    }
  }
  if (!isDenyAllElse) return;
  for (const table of [summary.users, summary.groups]) {
    for (const perPrincipal of table.values()) {
      for (const [access, result] of perPrincipal)
        if (result === ACCESS_UNDETERMINED) perPrincipal.set(access, ACCESS_DENIED);
      for (const access of allAccessTypes) if (!perPrincipal.has(access)) perPrincipal.set(access, ACCESS_DENIED);
    }
  }
  const everyone = summary.groups.get(GROUP_PUBLIC) ?? new Map<string, number>();
  summary.groups.set(GROUP_PUBLIC, everyone);
  for (const access of allAccessTypes) {
    if (everyone.has(access)) continue;
    const deniedToAllNamed =
      [...summary.users.values()].every((p) => p.get(access) === ACCESS_DENIED) &&
      [...summary.groups.entries()].every(([name, p]) => name === GROUP_PUBLIC || p.get(access) === ACCESS_DENIED);
    // Everyone not named is denied; if every named principal is denied too, so is everybody — otherwise it depends.
    everyone.set(access, deniedToAllNamed ? ACCESS_DENIED : ACCESS_CONDITIONAL);
  }
}
