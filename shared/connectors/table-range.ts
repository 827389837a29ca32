import { z } from 'zod';

/**
 * A contiguous range of a schema's table and view names in the warehouse's own order: from `from` (inclusive) to
 * `below` (exclusive), an absent bound open. Names are stored names (what the information schema holds), compared
 * by the warehouse: the ranges cut from one listing cover every name, so a table created after the listing still
 * falls in exactly one of them.
 */
export const TableRangeSchema = z.object({
  from: z.string().min(1).optional(),
  below: z.string().min(1).optional(),
});
export type TableRange = z.infer<typeof TableRangeSchema>;

/**
 * What of a schema a load covers: a slice (its tables and views in a range, the schema itself only a parent), or
 * the schema's own part (the schema, and what is not a table or view — Unity Catalog's functions, volumes and
 * models — without its tables). Absent: the whole schema.
 */
export type SchemaPart = { tables: TableRange } | 'own';

/**
 * Cuts `names` — a schema's table names, sorted by the warehouse (its ORDER BY, the order its comparisons use) — into
 * ranges of at most `max` names each; none when one range would do. Each bound is the first name of the next range.
 */
export function sliceRanges(names: readonly string[], max: number): TableRange[] {
  if (names.length <= max) return [];
  const ranges: TableRange[] = [];
  for (let i = 0; i < names.length; i += max) {
    const below = names[i + max];
    ranges.push({ ...(i > 0 ? { from: names[i]! } : {}), ...(below !== undefined ? { below } : {}) });
  }
  return ranges;
}
