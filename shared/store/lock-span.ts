import type { TableRange } from '../connectors/table-range.js';

/**
 * Where a resource lock sits among its siblings below a schema: one table's (or view's) name, or a slice's range of
 * names. Keys are hashed names and do not keep their order, so a lock that must be found by the names it covers
 * carries them on its row.
 */
export type LockSpan = { name: string } | { range: TableRange };

/** In the warehouses' default order, Unicode code points (table-range.ts), which UTF-8 bytes keep. */
const compare = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const inRange = (name: string, r: TableRange) =>
  (r.from === undefined || compare(name, r.from) >= 0) && (r.below === undefined || compare(name, r.below) < 0);

/** Whether two sibling locks cover a name in common. */
export function overlaps(a: LockSpan, b: LockSpan): boolean {
  if ('name' in a && 'name' in b) return a.name === b.name;
  if ('name' in a) return inRange(a.name, (b as { range: TableRange }).range);
  if ('name' in b) return inRange(b.name, a.range);
  const x = a.range,
    y = b.range;
  return (
    (x.from === undefined || y.below === undefined || compare(x.from, y.below) < 0) &&
    (y.from === undefined || x.below === undefined || compare(y.from, x.below) < 0)
  );
}

/** The row properties that carry a span; `isSlice` lets a table's lock find the slices above it in one query. */
export function spanFields(span: LockSpan | undefined): Record<string, string | boolean> {
  if (!span) return {};
  if ('name' in span) return { spanName: span.name };
  return {
    isSlice: true,
    ...(span.range.from !== undefined ? { spanFrom: span.range.from } : {}),
    ...(span.range.below !== undefined ? { spanBelow: span.range.below } : {}),
  };
}

export function spanOf(e: Record<string, unknown>): LockSpan | undefined {
  if (typeof e.spanName === 'string') return { name: e.spanName };
  if (e.isSlice !== true) return undefined;
  return {
    range: {
      ...(typeof e.spanFrom === 'string' ? { from: e.spanFrom } : {}),
      ...(typeof e.spanBelow === 'string' ? { below: e.spanBelow } : {}),
    },
  };
}
