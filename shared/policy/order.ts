import type { RangerPolicy } from './model.js';
import { GROUP_PUBLIC } from './principal.js';
import { resourceDef, type ServiceDef } from './service-defs.js';
import { isMatchAll } from './wildcard.js';

/**
 * Ranger evaluates policies in a fixed order (RangerPolicyEvaluator.EVAL_ORDER_COMPARATOR):
 * 1. higher policyPriority first (OVERRIDE before NORMAL);
 * 2. policies that can deny (deny items or isDenyAllElse) before those that only allow — so once an allow-only
 *    policy allows, no later policy of the same priority can deny, and evaluation may stop;
 * 3. Ranger's "eval order" score (RangerOptimizedPolicyEvaluator.computeEvalOrder): broader policies first;
 * 4. then name, id and content, so the order never depends on the order of the input file.
 */
export function inEvaluationOrder(policies: readonly RangerPolicy[], def: ServiceDef): RangerPolicy[] {
  // A snapshot's policy list is immutable once loaded: sort it once per service definition, not once per resource.
  const cached = orderCache.get(policies)?.get(def);
  if (cached) return cached;
  const ordered = sortForEvaluation(policies, def);
  const perDef = orderCache.get(policies) ?? new WeakMap<ServiceDef, RangerPolicy[]>();
  perDef.set(def, ordered);
  orderCache.set(policies, perDef);
  return ordered;
}
const orderCache = new WeakMap<readonly RangerPolicy[], WeakMap<ServiceDef, RangerPolicy[]>>();

function sortForEvaluation(policies: readonly RangerPolicy[], def: ServiceDef): RangerPolicy[] {
  const keyed = policies.map((policy) => ({ policy, score: evalOrderScore(policy, def) }));
  keyed.sort(
    (a, b) =>
      b.policy.policyPriority - a.policy.policyPriority ||
      Number(hasDeny(b.policy)) - Number(hasDeny(a.policy)) ||
      a.score - b.score ||
      compareText(a.policy.name, b.policy.name) ||
      (a.policy.id ?? Number.MAX_SAFE_INTEGER) - (b.policy.id ?? Number.MAX_SAFE_INTEGER) ||
      // Two policies alike in all of the above (no ids, same name): their content decides, never the input order.
      compareText(JSON.stringify(a.policy), JSON.stringify(b.policy)),
  );
  return keyed.map((k) => k.policy);
}

export function hasDeny(policy: RangerPolicy): boolean {
  return policy.isDenyAllElse || policy.denyPolicyItems.length > 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/*
 * The score: 10000, less discounts for wildcards at each resource level (25 for a match-all value, 10 for a value
 * with `*`, 5 for `?`, 5 for isExcludes, 5 for isRecursive; at most 100), for the number of users and groups in the
 * allow items (public counts as the maximum 25), for the share of access types granted (up to 25), and 25 for a
 * policy without custom conditions (5 less per condition). Lower scores are evaluated first.
 */
function evalOrderScore(policy: RangerPolicy, def: ServiceDef): number {
  let resourceDiscount = 0;
  const levels = Object.entries(policy.resources)
    .filter(([, r]) => r.values.length > 0)
    .map(([name, r]) => ({ level: resourceDef(def, name)?.level ?? Number.MAX_SAFE_INTEGER, r }))
    .sort((a, b) => a.level - b.level);
  for (const { r } of levels) {
    if (r.values.some(isMatchAll)) {
      resourceDiscount += 25;
      continue;
    }
    if (r.values.some((v) => v.includes('*'))) resourceDiscount += 10;
    else if (r.values.some((v) => v.includes('?'))) resourceDiscount += 5;
    if (r.isExcludes) resourceDiscount += 5;
    if (r.isRecursive) resourceDiscount += 5;
  }
  const users = new Set<string>(),
    groups = new Set<string>(),
    accesses = new Set<string>();
  let conditions = policy.conditions.length;
  for (const item of policy.policyItems) {
    item.users.forEach((u) => users.add(u));
    item.groups.forEach((g) => groups.add(g));
    item.accesses.filter((a) => a.isAllowed).forEach((a) => accesses.add(a.type));
  }
  for (const item of [
    ...policy.policyItems,
    ...policy.denyPolicyItems,
    ...policy.allowExceptions,
    ...policy.denyExceptions,
    ...policy.dataMaskPolicyItems,
    ...policy.rowFilterPolicyItems,
  ])
    conditions += item.conditions.length;
  const principalDiscount = [...groups].some((g) => g.toLowerCase() === GROUP_PUBLIC)
    ? 25
    : Math.min(users.size + groups.size, 25);
  const accessDiscount = def.accessTypes.length ? Math.round((25 * accesses.size) / def.accessTypes.length) : 0;
  const conditionDiscount = Math.max(0, 25 - 5 * conditions);
  return 10000 - Math.min(100, resourceDiscount) - principalDiscount - accessDiscount - conditionDiscount;
}
