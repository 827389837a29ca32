import { hasMacro } from '../policy/macros.js';
import { valueMatches } from '../policy/match.js';
import type { RangerPolicyResource } from '../policy/model.js';
import type { ResourcePattern } from '../policy/policy-diff.js';
import { resourceDef, resourceHierarchies, type ServiceDef } from '../policy/service-defs.js';
import { hasWildcard, isMatchAll } from '../policy/wildcard.js';

/**
 * How a pattern picks the objects of one level: by the names it spells out, or by matching the names listed. Either
 * way `matches` tells whether a listed name is one of them, as Ranger matches it.
 */
export type LevelRule = { matches: (name: string) => boolean } & (
  | { kind: 'exact'; names: string[] }
  | { kind: 'match'; everything: boolean }
);

/**
 * Where a pattern's objects are, level by level from the top (database or catalog, schema, table): `levels[i]` picks
 * the objects at depth i+1, and the objects at depth `levels.length` are the ones to sync. A pattern whose lower
 * levels are all `*` ends where they start (`SALES.*.*` is the database SALES, synced as one container); columns
 * belong to their table (a mask on EMAIL is a sync of its table). `{USER}` and other macros may stand for any name,
 * so a level holding one is matched, never taken as a name.
 */
export interface PatternScope {
  levels: LevelRule[];
}

const OBJECT_LEVELS = 3;

/** The scope of a pattern over the def's first hierarchy (container > schema > table > column); undefined when it has none there. */
export function patternScope(pattern: ResourcePattern, def: ServiceDef): PatternScope | undefined {
  const keys = Object.keys(pattern);
  const hierarchy = resourceHierarchies(def).find(
    (h) => keys.length > 0 && keys.length <= h.length && keys.every((k) => h.slice(0, keys.length).includes(k)),
  );
  if (!hierarchy) return undefined;
  const names = hierarchy.slice(0, Math.min(keys.length, OBJECT_LEVELS));
  const levels = names.map((name) => levelRule(pattern[name]!, name, def));
  while (levels.length > 1 && isEverything(levels.at(-1)!)) levels.pop();
  return { levels };
}

function levelRule(resource: RangerPolicyResource, name: string, def: ServiceDef): LevelRule {
  const spec = resourceDef(def, name);
  const wildcard = spec?.wildcard ?? true;
  const exact =
    !resource.isExcludes &&
    resource.values.length > 0 &&
    resource.values.every((v) => !isMatchAll(v) && !hasMacro(v) && !(wildcard && hasWildcard(v)));
  const matches = (value: string) => valueMatches(resource, value, name, def, { kind: 'wildcard' });
  if (exact) return { kind: 'exact', names: [...new Set(resource.values)], matches };
  return { kind: 'match', everything: !resource.isExcludes && resource.values.some(isMatchAll), matches };
}

const isEverything = (rule: LevelRule) => rule.kind === 'match' && rule.everything;
