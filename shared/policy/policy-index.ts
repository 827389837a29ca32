import { foldCase } from './case-fold.js';
import { hasMacro } from './macros.js';
import type { RequestResource } from './match.js';
import { memoByPair } from './memo.js';
import type { RangerPolicy, RangerPolicyResource } from './model.js';
import { inEvaluationOrder } from './order.js';
import { foldedText } from './pattern-matcher.js';
import type { ServiceDef, ServiceDefResource } from './service-defs.js';
import { hasWildcard, isMatchAll } from './wildcard.js';

/**
 * The policies that may match a resource, in evaluation order, found without matching each one — the role Ranger's
 * RangerResourceTrie plays. A policy set usually pins most policies to a few names at some level (`schema=SALES`), so
 * a sync of many tables would otherwise match every policy against every table only to discard nearly all.
 *
 * Per resource level, a policy is pinned when every one of its resource records names that level with plain names
 * only (no `*` or `?` where wildcards apply, no macro, not excluded, not recursive). A resource whose value at that
 * level is none of those names cannot match the policy in any way (matchType checks every level both name, and a
 * plain name admits only itself), so the candidates are the policies pinned to its value plus every policy not
 * pinned at that level; of the levels the resource names, the one leaving the fewest candidates is used.
 */
export function candidatePolicies(
  policies: readonly RangerPolicy[],
  def: ServiceDef,
  resource: RequestResource,
): readonly RangerPolicy[] {
  const index = policyIndex(policies, def);
  let best: { level: LevelIndex; pinned: readonly RangerPolicy[] } | undefined;
  let fewest = index.ordered.length;
  for (const level of index.levels) {
    const value = resource[level.name];
    if (typeof value !== 'string') continue;
    const pinned = level.pinned.get(level.ignoreCase ? foldedText(value) : value) ?? [];
    if (pinned.length + level.loose.length < fewest) {
      fewest = pinned.length + level.loose.length;
      best = { level, pinned };
    }
  }
  if (!best) return index.ordered;
  return inOrder(best.level.loose, best.pinned, index.rank);
}

interface LevelIndex {
  name: string;
  ignoreCase: boolean;
  /** Name (folded where the level ignores case) -> the policies pinned to it, in evaluation order. */
  pinned: Map<string, RangerPolicy[]>;
  /** The policies not pinned at this level, in evaluation order. */
  loose: RangerPolicy[];
}

interface PolicyIndex {
  ordered: readonly RangerPolicy[];
  rank: Map<RangerPolicy, number>;
  levels: LevelIndex[];
}

function policyIndex(policies: readonly RangerPolicy[], def: ServiceDef): PolicyIndex {
  return indexOf(policies, def, () => {
    const ordered = inEvaluationOrder(policies, def);
    const levels = def.resources.map((spec) => {
      const level: LevelIndex = { name: spec.name, ignoreCase: spec.ignoreCase, pinned: new Map(), loose: [] };
      for (const policy of ordered) {
        const names = pinnedNames(policy, spec);
        if (!names) level.loose.push(policy);
        for (const name of names ?? []) {
          const list = level.pinned.get(name) ?? [];
          list.push(policy);
          level.pinned.set(name, list);
        }
      }
      return level;
    });
    return { ordered, rank: new Map(ordered.map((p, i) => [p, i])), levels };
  });
}
const indexOf = memoByPair<readonly RangerPolicy[], ServiceDef, PolicyIndex>();

/** The names (as compared) a policy is pinned to at one level, or undefined when it is not pinned there. */
function pinnedNames(policy: RangerPolicy, spec: ServiceDefResource): Set<string> | undefined {
  const { name, ignoreCase, wildcard = true } = spec;
  const isPlain = (v: string) => !isMatchAll(v) && !hasMacro(v) && !(wildcard && hasWildcard(v));
  const isPinned = (r: RangerPolicyResource | undefined): r is RangerPolicyResource =>
    r !== undefined && !r.isExcludes && !r.isRecursive && r.values.every(isPlain);
  const names = new Set<string>();
  for (const record of [policy.resources, ...policy.additionalResources]) {
    const resource = Object.hasOwn(record, name) ? record[name] : undefined;
    if (!isPinned(resource)) return undefined;
    for (const v of resource.values) names.add(ignoreCase ? foldCase(v) : v);
  }
  return names;
}

/** Two lists in evaluation order merged into one. */
function inOrder(
  a: readonly RangerPolicy[],
  b: readonly RangerPolicy[],
  rank: Map<RangerPolicy, number>,
): readonly RangerPolicy[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: RangerPolicy[] = [];
  let i = 0,
    j = 0;
  while (i < a.length && j < b.length) out.push(rank.get(a[i]!)! < rank.get(b[j]!)! ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
