import { itemAccessTypes } from './accesses.js';
import { type AccessRequest, bestMatch, type EvaluationOptions } from './evaluate.js';
import type { RequestResource } from './match.js';
import {
  type DataMaskInfo,
  POLICY_TYPE_DATAMASK,
  POLICY_TYPE_ROWFILTER,
  type PolicySnapshot,
  type RangerPolicy,
  type RangerPolicyItem,
  type RowFilterInfo,
} from './model.js';
import { inEvaluationOrder } from './order.js';
import { itemNamesPrincipal, type Principal, principalOf } from './principal.js';
import { isInEffect } from './schedule.js';
import { resourceHierarchies, type ServiceDef } from './service-defs.js';

export interface DataMaskVerdict {
  dataMaskInfo: DataMaskInfo | null;
  policyId: number | null;
  policyVersion: number | null;
}
export interface RowFilterVerdict {
  rowFilterInfo: RowFilterInfo | null;
  policyId: number | null;
  policyVersion: number | null;
}

/**
 * The mask that applies to one user reading one column: the first matching item of the first matching masking
 * policy in evaluation order wins (Ranger evaluates dataMaskPolicyItems in the order written, and a result from a
 * policy of the same or higher priority is final).
 */
export function evaluateDataMask(
  snapshot: PolicySnapshot,
  def: ServiceDef,
  request: AccessRequest,
  opts: EvaluationOptions,
): DataMaskVerdict {
  const found = firstMatchingItem(snapshot, def, request, opts, POLICY_TYPE_DATAMASK, (p) => p.dataMaskPolicyItems);
  return {
    dataMaskInfo: found?.item.dataMaskInfo ?? null,
    policyId: found?.policy.id ?? null,
    policyVersion: snapshot.version,
  };
}

/** The row filter that applies to one user reading one table; first match wins, as for masks. */
export function evaluateRowFilter(
  snapshot: PolicySnapshot,
  def: ServiceDef,
  request: AccessRequest,
  opts: EvaluationOptions,
): RowFilterVerdict {
  const found = firstMatchingItem(snapshot, def, request, opts, POLICY_TYPE_ROWFILTER, (p) => p.rowFilterPolicyItems);
  return {
    rowFilterInfo: found?.item.rowFilterInfo ?? null,
    policyId: found?.policy.id ?? null,
    policyVersion: snapshot.version,
  };
}

function firstMatchingItem<I extends RangerPolicyItem>(
  snapshot: PolicySnapshot,
  def: ServiceDef,
  request: AccessRequest,
  opts: EvaluationOptions,
  policyType: number,
  itemsOf: (p: RangerPolicy) => I[],
): { policy: RangerPolicy; item: I } | null {
  if (!isCompleteForPolicyType(def, request.resource, policyType)) return null;
  const who = principalOf(request.user, request.userGroups, request.userRoles, opts.roleMembers);
  const accessType = (request.accessType || 'select').toLowerCase();
  const policies = inEvaluationOrder(snapshot.policies, def).filter(
    (p) => p.isEnabled && p.policyType === policyType && isInEffect(p.validitySchedules, opts.now),
  );
  for (const policy of policies) {
    if (policy.conditions.length > 0) continue; // a policy-level custom condition cannot be evaluated here
    const match = bestMatch(policy, request.resource, def, request.user);
    if (match !== 'SELF' && match !== 'SELF_AND_ALL_DESCENDANTS') continue;
    const item = itemsOf(policy).find((i) => appliesTo(i, def, who, accessType));
    if (item) return { policy, item };
  }
  return null;
}

// An item with custom conditions is skipped: we cannot tell whether its condition holds for this user.
function appliesTo(item: RangerPolicyItem, def: ServiceDef, who: Principal, accessType: string): boolean {
  return item.conditions.length === 0 && itemNamesPrincipal(item, who) && itemAccessTypes(item, def).has(accessType);
}

/**
 * Masks apply to columns and row filters to tables only (Ranger's dataMaskDef / rowFilterDef hierarchies): a mask
 * request must name a leaf (a column), a row-filter request the level just above it (a table).
 */
export function isCompleteForPolicyType(def: ServiceDef, resource: RequestResource, policyType: number): boolean {
  const keys = Object.keys(resource).filter((k) => resource[k] !== undefined);
  return resourceHierarchies(def).some((h) => {
    const depth =
      policyType === POLICY_TYPE_DATAMASK
        ? h.length
        : policyType === POLICY_TYPE_ROWFILTER
          ? h.length - 1
          : keys.length;
    if (depth < 1 || keys.length !== depth || (policyType !== 0 && h.length < 2)) return false;
    const head = new Set(h.slice(0, depth));
    return keys.every((k) => head.has(k));
  });
}
