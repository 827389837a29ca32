import { hasMacro, type MacroMode, resolveMacros } from './macros.js';
import { memoByPair } from './memo.js';
import type { RangerPolicy, RangerPolicyResource } from './model.js';
import { compileWildcard, foldedText, type MatchOptions } from './pattern-matcher.js';
import { resourceDef, resourceHierarchies, type ServiceDef } from './service-defs.js';
import { isMatchAll } from './wildcard.js';

/** One policy resource (its values, isExcludes, isRecursive) ready to test requested values against. */
export interface ResourceMatcher {
  /** Whether it admits every one of the requested values (isExcludes: every value but those listed). */
  admits(requested: string | string[], macros: MacroMode): boolean;
  /** A match-all value, not excluded: the resource covers everything at its level. */
  coversEverything: boolean;
}

/** A policy's resources along one hierarchy of the service definition they fit. */
export interface ResourceChain {
  hierarchy: string[];
  /** The policy's resource at each of its levels, from the top. */
  levels: ResourceMatcher[];
  /** coversBelow[d]: every level of the policy from d down covers everything. */
  coversBelow: boolean[];
}

/** A policy's resource record compiled for one service definition. */
export interface CompiledResources {
  /** How many levels the policy names. */
  depth: number;
  /** The hierarchies whose top levels are exactly the ones the policy names. */
  chains: ResourceChain[];
}

/**
 * The compiled form of a policy's resources, built once per resource record and service definition: a policy set is
 * immutable once loaded (order.ts relies on it too), so every object of a sync is matched against patterns that
 * were folded and classified when the set was first used, and the cache goes with the set.
 */
export function compiledResources(resources: Record<string, RangerPolicyResource>, def: ServiceDef): CompiledResources {
  return compiledOf(resources, def, () => {
    const keys = Object.keys(resources);
    const chains = resourceHierarchies(def)
      .filter((hierarchy) => isPrefixOf(keys, hierarchy))
      .map((hierarchy) => {
        const levels = hierarchy.slice(0, keys.length).map((name) => resourceMatcher(resources[name]!, name, def));
        const coversBelow = levels.map((_, d) => levels.slice(d).every((l) => l.coversEverything));
        return { hierarchy, levels, coversBelow };
      });
    return { depth: keys.length, chains };
  });
}
const compiledOf = memoByPair<Record<string, RangerPolicyResource>, ServiceDef, CompiledResources>();

/** The policy's resource records (its resources and additionalResources) that hold a macro, found once per policy. */
export function resourcesWithMacros(policy: RangerPolicy): Record<string, RangerPolicyResource>[] {
  return withMacrosOf(policy, undefined, () =>
    [policy.resources, ...policy.additionalResources].filter((r) =>
      Object.values(r).some((pr) => pr.values.some(hasMacro)),
    ),
  );
}
const withMacrosOf = memoByPair<RangerPolicy, undefined, Record<string, RangerPolicyResource>[]>();

/** Whether `keys` are exactly the first keys.length levels of `hierarchy`: a request that skips a level matches nothing. */
export function isPrefixOf(keys: string[], hierarchy: string[]): boolean {
  if (keys.length > hierarchy.length) return false;
  for (const key of keys) {
    const at = hierarchy.indexOf(key);
    if (at < 0 || at >= keys.length) return false;
  }
  return true;
}

/** One policy resource compiled for the resource name it sits under, memoised like compiledResources. */
export function resourceMatcher(policy: RangerPolicyResource, name: string, def: ServiceDef): ResourceMatcher {
  return (
    matchersOf(policy, def, () => new Map<string, ResourceMatcher>()).get(name) ?? compileMatcher(policy, name, def)
  );
}
const matchersOf = memoByPair<RangerPolicyResource, ServiceDef, Map<string, ResourceMatcher>>();

function compileMatcher(policy: RangerPolicyResource, name: string, def: ServiceDef): ResourceMatcher {
  const spec = resourceDef(def, name);
  const opts = { ignoreCase: spec?.ignoreCase ?? true, wildcard: spec?.wildcard ?? true };
  const recursive = policy.isRecursive && (spec?.recursiveSupported ?? false);
  // A value without a macro reads the same in every macro mode, so it is compiled once; one with a macro is
  // resolved per request (for the requesting user), and what it resolves to is compiled then.
  const fixed = policy.values.filter((v) => !hasMacro(v)).map((p) => patternMatcher(p, opts, recursive));
  const withMacros = policy.values.filter(hasMacro);
  const matchesOne = (value: string, macros: MacroMode) =>
    fixed.some((m) => m(value)) ||
    withMacros.some((v) => {
      const p = resolveMacros(v, macros);
      return p !== null && patternMatcher(p, opts, recursive)(value);
    });
  return {
    admits: (requested, macros) => {
      const values = Array.isArray(requested) ? requested : [requested];
      return values.length > 0 && values.every((value) => matchesOne(value, macros) !== policy.isExcludes);
    },
    coversEverything: !policy.isExcludes && policy.values.some(isMatchAll),
  };
}

/**
 * One pattern: `*` (or empty) admits everything, anything else is a wildcard match; a recursive path
 * (RangerPathResourceMatcher with isRecursive) also admits what lies under it: `/a/b` covers `/a/b/` and `/a/b/...`.
 */
function patternMatcher(pattern: string, opts: MatchOptions, recursive: boolean): (value: string) => boolean {
  if (isMatchAll(pattern)) return () => true;
  const matches = compileWildcard(pattern, opts);
  if (!recursive) return matches;
  const base = withoutTrailingSlashes(pattern);
  const self = compileWildcard(base, opts),
    below = compileWildcard(`${base}/*`, opts);
  const prefix = `${opts.ignoreCase ? foldedText(base) : base}/`;
  return (value) => {
    if (matches(value)) return true;
    const path = withoutTrailingSlashes(value);
    return self(path) || (opts.ignoreCase ? foldedText(path) : path).startsWith(prefix) || below(path);
  };
}

/** `s` less its trailing slashes, by a loop: /\/+$/ takes quadratic time on a long run of slashes in a name. */
function withoutTrailingSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x2f) end--;
  return s.slice(0, end);
}
