import { itemAccessTypes } from './accesses.js';
import type { MacroMode } from './macros.js';
import { closerMatch, type MatchType, matchType, type RequestResource } from './match.js';
import { POLICY_TYPE_ACCESS, type PolicySnapshot, type RangerPolicy, type RangerPolicyItem } from './model.js';
import { hasDeny, inEvaluationOrder } from './order.js';
import { itemNamesPrincipal, type Principal, principalOf, type RoleMembers } from './principal.js';
import { isInEffect } from './schedule.js';
import { concreteAccessTypes, type ServiceDef } from './service-defs.js';

export interface AccessRequest {
  resource: RequestResource;
  /** '' asks "may this principal do anything here?" (Ranger's _any access). */
  accessType: string;
  user: string;
  userGroups: string[];
  userRoles?: string[];
}

export interface EvaluationOptions {
  now: Date;
  roleMembers?: RoleMembers;
}

export interface AccessVerdict {
  isAllowed: boolean;
  policyId: number | null;
  policyVersion: number | null;
}

type PolicyOutcome = 'allow' | 'deny' | 'none';

/**
 * Ranger's isAccessAllowed for one request (RangerPolicyEngineImpl.evaluatePoliciesNoAudit), without audit:
 * - policies run in evaluation order (see order.ts); a policy outside its validity schedules is skipped;
 * - within a policy, deny items (less deny exceptions) win over allow items (less allow exceptions); a deny-all-else
 *   policy denies what neither grants;
 * - a deny is final; an allow is final once no deny-capable policy of the same or higher priority remains, and an
 *   allow by a higher-priority (OVERRIDE) policy beats any later NORMAL deny;
 * - for a specific access type a policy must cover the resource itself (SELF, or SELF_AND_ALL_DESCENDANTS); for "any
 *   access" a policy on something below also counts (DESCENDANT), but its deny items do not.
 * Custom conditions cannot be evaluated here: an allow that depends on one is not granted, a deny that depends on
 * one is applied (fail closed).
 */
export function isAccessAllowed(
  snapshot: PolicySnapshot,
  def: ServiceDef,
  request: AccessRequest,
  opts: EvaluationOptions,
): AccessVerdict {
  const who = principalOf(request.user, request.userGroups, request.userRoles, opts.roleMembers);
  const isAny = request.accessType === '';
  const resourceIsEmpty = Object.values(request.resource).every((v) => v === undefined);
  const policies = inEvaluationOrder(snapshot.policies, def).filter(
    (p) => p.isEnabled && p.policyType === POLICY_TYPE_ACCESS && isInEffect(p.validitySchedules, opts.now),
  );

  let allowedBy: RangerPolicy | undefined;
  for (const policy of policies) {
    if (allowedBy && allowedBy.policyPriority > policy.policyPriority) break;
    const match = bestMatch(policy, request.resource, def, request.user);
    const covers = match === 'SELF' || match === 'SELF_AND_ALL_DESCENDANTS' || (isAny && match === 'DESCENDANT');
    if (covers) {
      const outcome = isAny
        ? anyAccessOutcome(policy, def, who, match, resourceIsEmpty)
        : accessOutcome(policy, def, who, request.accessType.toLowerCase(), match, resourceIsEmpty);
      if (outcome === 'deny') return verdict(false, policy, snapshot);
      if (outcome === 'allow' && !allowedBy) allowedBy = policy;
    }
    if (allowedBy && !hasDeny(policy)) break;
  }
  return allowedBy
    ? verdict(true, allowedBy, snapshot)
    : { isAllowed: false, policyId: null, policyVersion: snapshot.version };
}

function verdict(isAllowed: boolean, policy: RangerPolicy, snapshot: PolicySnapshot): AccessVerdict {
  return { isAllowed, policyId: policy.id ?? null, policyVersion: snapshot.version };
}

/** The best match over the policy's resources and its additionalResources (Ranger 2.5 multi-resource policies). */
export function bestMatch(
  policy: RangerPolicy,
  resource: RequestResource,
  def: ServiceDef,
  user: string | undefined,
): MatchType {
  const macros: MacroMode = user === undefined ? NO_USER : { kind: 'request', user };
  let best = matchType(policy.resources, resource, def, macros);
  for (const more of policy.additionalResources) {
    if (best === 'SELF') break;
    best = closerMatch(best, matchType(more, resource, def, macros));
  }
  return best;
}
const NO_USER: MacroMode = { kind: 'request' };

/** What one policy says about one access type for one principal (RangerDefaultPolicyEvaluator.evaluatePolicyItems). */
export function accessOutcome(
  policy: RangerPolicy,
  def: ServiceDef,
  who: Principal,
  accessType: string,
  match: MatchType,
  resourceIsEmpty: boolean,
): PolicyOutcome {
  const policyConditional = policy.conditions.length > 0;
  if (
    grants(policy.denyPolicyItems, def, who, accessType, 'deny') &&
    !grants(policy.denyExceptions, def, who, accessType, 'deny-exception')
  ) {
    // A deny item on a descendant says nothing about this resource (Ranger ignores descendant denies).
    return match === 'DESCENDANT' || resourceIsEmpty ? 'none' : 'deny';
  }
  if (
    !policyConditional &&
    grants(policy.policyItems, def, who, accessType, 'allow') &&
    !grants(policy.allowExceptions, def, who, accessType, 'allow-exception')
  )
    return 'allow';
  // isDenyAllElse: whatever the policy does not allow is denied — but never for an empty resource ("show databases").
  if (policy.isDenyAllElse && !resourceIsEmpty) return 'deny';
  return 'none';
}

/**
 * "Any access": Ranger evaluates every access type of the definition. The policy allows when it allows some access
 * type and denies none; it denies when it denies every one; a mix decides nothing, so a later policy may allow.
 */
function anyAccessOutcome(
  policy: RangerPolicy,
  def: ServiceDef,
  who: Principal,
  match: MatchType,
  resourceIsEmpty: boolean,
): PolicyOutcome {
  const types = new Set(concreteAccessTypes(def));
  for (const item of [...policy.policyItems, ...policy.denyPolicyItems])
    itemAccessTypes(item, def).forEach((t) => types.add(t));
  const outcomes = [...types].map((t) => accessOutcome(policy, def, who, t, match, resourceIsEmpty));
  if (outcomes.length > 0 && outcomes.every((o) => o === 'deny')) return 'deny';
  if (outcomes.some((o) => o === 'deny')) return 'none';
  return outcomes.some((o) => o === 'allow') ? 'allow' : 'none';
}

type ItemRole = 'allow' | 'deny' | 'allow-exception' | 'deny-exception';

/**
 * Whether some item names the principal and grants the access type. An item with custom conditions counts only
 * where assuming it holds is the safe choice: for denies and for exceptions to allows.
 */
function grants(
  items: RangerPolicyItem[],
  def: ServiceDef,
  who: Principal,
  accessType: string,
  role: ItemRole,
): boolean {
  const conditionsAssumed = role === 'deny' || role === 'allow-exception';
  return items.some(
    (item) =>
      (item.conditions.length === 0 || conditionsAssumed) &&
      itemNamesPrincipal(item, who) &&
      itemAccessTypes(item, def).has(accessType),
  );
}
