import type { RangerPolicyItem } from './model.js';
import type { ServiceDef } from './service-defs.js';

/**
 * The access types an item grants, lower-cased, with the definition's implied grants added (`all` -> every access
 * type). Ranger expands one round only (RangerDefaultPolicyEvaluator.preprocessPolicyItems), and so do we.
 */
export function itemAccessTypes(item: RangerPolicyItem, def: ServiceDef): Set<string> {
  const cached = accessCache.get(item)?.get(def);
  if (cached) return cached;
  const granted = new Set(item.accesses.filter((a) => a.isAllowed).map((a) => a.type.toLowerCase()));
  for (const type of def.accessTypes) {
    if (granted.has(type.name.toLowerCase())) {
      for (const implied of type.impliedGrants ?? []) granted.add(implied.toLowerCase());
    }
  }
  const perDef = accessCache.get(item) ?? new WeakMap<ServiceDef, Set<string>>();
  perDef.set(def, granted);
  accessCache.set(item, perDef);
  return granted;
}
const accessCache = new WeakMap<RangerPolicyItem, WeakMap<ServiceDef, Set<string>>>();
