import { createHash } from 'node:crypto';

/**
 * A policy name within the warehouse's identifier limit: past it the name keeps its head and gains a hash of
 * the whole after `separator`, so it stays unique and deterministic.
 */
export function withinIdentifierLimit(name: string, maxLength: number, separator: string): string {
  if (name.length <= maxLength) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `${name.slice(0, maxLength - hash.length - separator.length)}${separator}${hash}`;
}
