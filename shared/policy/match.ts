import type { MacroMode } from './macros.js';
import type { RangerPolicyResource } from './model.js';
import { compiledResources, isPrefixOf, type ResourceChain, resourceMatcher } from './resource-matcher.js';
import type { ServiceDef } from './service-defs.js';

/** A resource as a request names it: resource name -> value (several values must all match, as in Ranger). */
export type RequestResource = Record<string, string | string[] | undefined>;

/**
 * How a policy's resources relate to a requested resource (RangerPolicyResourceMatcher.MatchType):
 * - SELF: the policy names exactly this resource;
 * - SELF_AND_ALL_DESCENDANTS: it names this resource and `*` at every level below (db=SALES, schema=*, table=*);
 * - DESCENDANT: it names something below this resource only (db=SALES, schema=PUBLIC for a request on SALES);
 * - ANCESTOR: it names something above (db=SALES for a request on SALES.PUBLIC) — Ranger never cascades those;
 * - NONE.
 */
export type MatchType = 'SELF' | 'SELF_AND_ALL_DESCENDANTS' | 'DESCENDANT' | 'ANCESTOR' | 'NONE';

const rank: Record<MatchType, number> = { SELF: 4, SELF_AND_ALL_DESCENDANTS: 3, DESCENDANT: 2, ANCESTOR: 1, NONE: 0 };

export function matchType(
  policyResources: Record<string, RangerPolicyResource>,
  request: RequestResource,
  def: ServiceDef,
  macros: MacroMode,
): MatchType {
  const policy = compiledResources(policyResources, def);
  if (policy.depth === 0) return 'NONE';
  const requestKeys = Object.keys(request).filter((k) => request[k] !== undefined);
  let best: MatchType = 'NONE';
  for (const chain of policy.chains) {
    if (!isPrefixOf(requestKeys, chain.hierarchy)) continue;
    best = closerMatch(best, matchAlong(chain, policy.depth, requestKeys.length, request, macros));
  }
  return best;
}

/** The closer of two ways a policy relates to a resource: SELF, then SELF_AND_ALL_DESCENDANTS, DESCENDANT, ANCESTOR. */
export function closerMatch(a: MatchType, b: MatchType): MatchType {
  return rank[b] > rank[a] ? b : a;
}

function matchAlong(
  chain: ResourceChain,
  policyDepth: number,
  requestDepth: number,
  request: RequestResource,
  macros: MacroMode,
): MatchType {
  for (let level = 0; level < Math.min(policyDepth, requestDepth); level++) {
    if (!chain.levels[level]!.admits(request[chain.hierarchy[level]!]!, macros)) return 'NONE';
  }
  if (requestDepth > policyDepth) return 'ANCESTOR';
  if (requestDepth === policyDepth) return 'SELF';
  return chain.coversBelow[requestDepth] ? 'SELF_AND_ALL_DESCENDANTS' : 'DESCENDANT';
}

/** Whether one policy resource (its values, isExcludes, isRecursive) admits every one of the requested values. */
export function valueMatches(
  policy: RangerPolicyResource,
  requested: string | string[],
  name: string,
  def: ServiceDef,
  macros: MacroMode,
): boolean {
  return resourceMatcher(policy, name, def).admits(requested, macros);
}
