/**
 * A cache of what is built from an immutable object (a loaded policy set, a policy, a resource record) and a second
 * key (a service definition, a resource name): kept as long as the object is, built once per pair.
 */
export function memoByPair<A extends object, B, V>(): (a: A, b: B, build: () => V) => V {
  const cache = new WeakMap<A, Map<B, V>>();
  return (a, b, build) => {
    let byB = cache.get(a);
    if (!byB) cache.set(a, (byB = new Map()));
    let value = byB.get(b);
    if (value === undefined) byB.set(b, (value = build()));
    return value;
  };
}
