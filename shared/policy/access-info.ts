import { itemAccessTypes } from './accesses.js';
import { bestMatch } from './evaluate.js';
import type { RequestResource } from './match.js';
import { POLICY_TYPE_ACCESS, type PolicySnapshot, type RangerPolicyItem } from './model.js';
import { inEvaluationOrder } from './order.js';
import { isInEffect } from './schedule.js';
import { concreteAccessTypes, type ServiceDef } from './service-defs.js';

export interface ResourceAccessInfo {
  allowedUsers: string[];
  allowedGroups: string[];
  deniedUsers: string[];
  deniedGroups: string[];
}

/**
 * Ranger's getResourceAccessInfo: the users and groups that policies name as allowed or denied an access type on a
 * resource (or on anything below it). Coarser than resourceAcl — it ignores priorities and exceptions' subtleties —
 * and kept because Ranger's suites check it.
 */
export function resourceAccessInfo(
  snapshot: PolicySnapshot,
  def: ServiceDef,
  request: { resource: RequestResource; accessType: string },
  opts: { now: Date },
): ResourceAccessInfo {
  const allowedUsers = new Set<string>(),
    allowedGroups = new Set<string>();
  const deniedUsers = new Set<string>(),
    deniedGroups = new Set<string>();
  const access = request.accessType.toLowerCase();
  const named = (items: RangerPolicyItem[]) => {
    const users = new Set<string>(),
      groups = new Set<string>();
    for (const item of items) {
      if (item.conditions.length > 0) continue;
      const granted = itemAccessTypes(item, def);
      const relevant =
        access === '' ? concreteAccessTypes(def).some((t) => granted.has(t)) || granted.size > 0 : granted.has(access);
      if (!relevant) continue;
      item.users.forEach((u) => users.add(u));
      item.groups.forEach((g) => groups.add(g));
    }
    return { users, groups };
  };
  const minus = (from: Set<string>, remove: Set<string>) => [...from].filter((x) => !remove.has(x));
  const policies = inEvaluationOrder(snapshot.policies, def).filter(
    (p) => p.isEnabled && p.policyType === POLICY_TYPE_ACCESS && isInEffect(p.validitySchedules, opts.now),
  );
  for (const policy of policies) {
    const match = bestMatch(policy, request.resource, def, undefined);
    if (match === 'NONE') continue;
    const allowed = named(policy.policyItems),
      excepted = named(policy.allowExceptions);
    minus(allowed.users, excepted.users).forEach((u) => allowedUsers.add(u));
    minus(allowed.groups, excepted.groups).forEach((g) => allowedGroups.add(g));
    // A deny on something below the resource is not a deny of the resource.
    if (match === 'DESCENDANT') continue;
    const denied = named(policy.denyPolicyItems),
      denyExcepted = named(policy.denyExceptions);
    minus(denied.users, denyExcepted.users).forEach((u) => deniedUsers.add(u));
    minus(denied.groups, denyExcepted.groups).forEach((g) => deniedGroups.add(g));
  }
  const sorted = (s: Iterable<string>) => [...s].sort();
  return {
    allowedUsers: sorted(allowedUsers),
    allowedGroups: sorted(allowedGroups),
    deniedUsers: sorted(deniedUsers),
    deniedGroups: sorted(deniedGroups),
  };
}
