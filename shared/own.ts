/**
 * A record's own entry under a key that came from outside (a request, an event, a catalog, a policy file).
 * Plain indexing would answer `__proto__`, `constructor` or `toString` with what every object inherits.
 */
export function own<V>(record: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
