import { foldCase } from './case-fold.js';
import { type MacroMode, resolveMacros } from './macros.js';
import type { RangerPolicyResource } from './model.js';
import { resourceDef, resourceHierarchies, type ServiceDef } from './service-defs.js';
import { isMatchAll, wildcardMatches } from './wildcard.js';

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
  const policyKeys = Object.keys(policyResources);
  const requestKeys = Object.keys(request).filter((k) => request[k] !== undefined);
  if (policyKeys.length === 0) return 'NONE';
  let best: MatchType = 'NONE';
  for (const hierarchy of resourceHierarchies(def)) {
    if (!isPrefixOf(policyKeys, hierarchy) || !isPrefixOf(requestKeys, hierarchy)) continue;
    const found = matchAlong(hierarchy, policyKeys.length, requestKeys.length, policyResources, request, def, macros);
    if (rank[found] > rank[best]) best = found;
  }
  return best;
}

/** Whether `keys` are exactly the first keys.length levels of `hierarchy`: a request that skips a level matches nothing. */
function isPrefixOf(keys: string[], hierarchy: string[]): boolean {
  if (keys.length > hierarchy.length) return false;
  const head = new Set(hierarchy.slice(0, keys.length));
  return keys.every((k) => head.has(k));
}

function matchAlong(
  hierarchy: string[],
  policyDepth: number,
  requestDepth: number,
  policyResources: Record<string, RangerPolicyResource>,
  request: RequestResource,
  def: ServiceDef,
  macros: MacroMode,
): MatchType {
  for (let level = 0; level < Math.min(policyDepth, requestDepth); level++) {
    const name = hierarchy[level]!;
    if (!valueMatches(policyResources[name]!, request[name]!, name, def, macros)) return 'NONE';
  }
  if (requestDepth > policyDepth) return 'ANCESTOR';
  if (requestDepth === policyDepth) return 'SELF';
  const below = hierarchy.slice(requestDepth, policyDepth).map((name) => policyResources[name]!);
  return below.every(coversEverything) ? 'SELF_AND_ALL_DESCENDANTS' : 'DESCENDANT';
}

function coversEverything(resource: RangerPolicyResource): boolean {
  return !resource.isExcludes && resource.values.some(isMatchAll);
}

/** Whether one policy resource (its values, isExcludes, isRecursive) admits every one of the requested values. */
export function valueMatches(
  policy: RangerPolicyResource,
  requested: string | string[],
  name: string,
  def: ServiceDef,
  macros: MacroMode,
): boolean {
  const spec = resourceDef(def, name);
  const opts = { ignoreCase: spec?.ignoreCase ?? true, wildcard: spec?.wildcard ?? true };
  const recursive = policy.isRecursive && (spec?.recursiveSupported ?? false);
  const patterns = policy.values.map((v) => resolveMacros(v, macros)).filter((v): v is string => v !== null);
  const values = Array.isArray(requested) ? requested : [requested];
  const matchesOne = (value: string) =>
    patterns.some(
      (p) => isMatchAll(p) || wildcardMatches(p, value, opts) || (recursive && isUnderPath(p, value, opts)),
    );
  // isExcludes: the policy covers every value except those listed.
  return values.length > 0 && values.every((value) => matchesOne(value) !== policy.isExcludes);
}

/** RangerPathResourceMatcher with isRecursive: `/a/b` covers `/a/b`, `/a/b/` and everything under `/a/b/`. */
function isUnderPath(pattern: string, value: string, opts: { ignoreCase: boolean; wildcard: boolean }): boolean {
  const base = pattern.replace(/\/+$/, '');
  const path = value.replace(/\/+$/, '');
  if (wildcardMatches(base, path, opts)) return true;
  const fold = (s: string) => (opts.ignoreCase ? foldCase(s) : s);
  return fold(path).startsWith(`${fold(base)}/`) || wildcardMatches(`${base}/*`, path, opts);
}
