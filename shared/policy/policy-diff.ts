import { canonicalJson as canonical } from '../canonical-json.js';
import type { PolicySnapshot, RangerPolicy, RangerPolicyResource } from './model.js';

/** A policy's resources (or one of its additionalResources): resource name -> values, as Ranger writes them. */
export type ResourcePattern = Record<string, RangerPolicyResource>;

export type PolicyChangeKind = 'added' | 'removed' | 'enabled' | 'disabled' | 'changed';

/** One policy whose effect changed, and every resource pattern on which access may now differ. */
export interface PolicyChange {
  /** Ranger's id; a policy without one (a hand-written file) is known by its guid, then its name. */
  id: number | string;
  /** The policy's own version: the new one, or for a removal the last one seen. */
  version?: number;
  kind: PolicyChangeKind;
  /** Old and new patterns both: access may have been taken from the old ones and given on the new ones. */
  patterns: ResourcePattern[];
}

/**
 * What Ranger evaluates nothing by: audit, bookkeeping and names. A change to these alone changes no access.
 * Everything else (resources, items, deny and exception items, masks, row filters, conditions, validity schedules,
 * priority, deny-all-else, zone) is compared.
 */
const NOT_EVALUATED = new Set([
  'id',
  'guid',
  'name',
  'service',
  'version',
  'isAuditEnabled',
  'createTime',
  'updateTime',
  'isEnabled',
]);

/**
 * The policies whose effective access differs between two policy sets: added, removed, enabled, disabled, or
 * changed in anything evaluated. A policy disabled before and after changes nothing, whatever was edited.
 */
export function policyChanges(before: PolicySnapshot, after: PolicySnapshot): PolicyChange[] {
  const old = byIdentity(before.policies);
  const now = byIdentity(after.policies);
  const changes: PolicyChange[] = [];
  for (const [id, policy] of now) {
    const was = old.get(id);
    const kind = changeKind(was, policy);
    if (kind) changes.push(change(id, policy, kind, was ? [was, policy] : [policy]));
  }
  for (const [id, was] of old) if (!now.has(id) && was.isEnabled) changes.push(change(id, was, 'removed', [was]));
  return changes;
}

function changeKind(was: RangerPolicy | undefined, policy: RangerPolicy): PolicyChangeKind | undefined {
  if (!was) return policy.isEnabled ? 'added' : undefined;
  if (!was.isEnabled && !policy.isEnabled) return undefined;
  if (was.isEnabled !== policy.isEnabled) return policy.isEnabled ? 'enabled' : 'disabled';
  return evaluated(was) === evaluated(policy) ? undefined : 'changed';
}

function change(id: number | string, policy: RangerPolicy, kind: PolicyChangeKind, from: RangerPolicy[]): PolicyChange {
  const patterns = new Map<string, ResourcePattern>();
  for (const p of from)
    for (const pattern of [p.resources, ...p.additionalResources]) patterns.set(canonical(pattern), pattern);
  return {
    id,
    ...(policy.version !== undefined ? { version: policy.version } : {}),
    kind,
    patterns: [...patterns.values()],
  };
}

/** A policy's identity across versions: Ranger's id, else its guid, else its name. */
export function policyIdentity(policy: RangerPolicy): number | string {
  return policy.id ?? policy.guid ?? `name:${policy.name}`;
}

function byIdentity(policies: RangerPolicy[]): Map<number | string, RangerPolicy> {
  return new Map(policies.map((p) => [policyIdentity(p), p]));
}

function evaluated(policy: RangerPolicy): string {
  return canonical(Object.fromEntries(Object.entries(policy).filter(([k]) => !NOT_EVALUATED.has(k))));
}
