import { z } from 'zod';

const MARKER_PREFIX = 'policysync:';

/** What a policy object is made for: one column's mask, or one table's row filter (`table`: its path as stored). */
const targetSchema = z
  .object({
    kind: z.enum(['mask', 'filter']),
    table: z.array(z.string()).min(1),
    column: z.string().optional(),
  })
  .refine((t) => (t.kind === 'mask') === (t.column !== undefined), 'a mask names its column, a row filter none');

/**
 * Our ownership marker, kept in the policy object's COMMENT (Snowflake) or function COMMENT (Databricks): the
 * Ranger policy ids and version the body was rendered from, the hash of signature and body (what a diff
 * compares, so the warehouse's normalised body text is never re-parsed), and the exact target the object was
 * made for. The target, not the object's name, is what makes an object ours to change for that target.
 * Markers written before targets existed parse without one (see `isMadeFor`).
 */
const markerSchema = z.object({
  ids: z.array(z.number()).catch([]),
  version: z.unknown().transform((v) => String(v ?? '')),
  hash: z.string(),
  // A target that does not parse is no target: the object is then ours of unknown target, never ours for one.
  target: targetSchema.optional().catch(undefined),
});

export type PolicyTarget = z.infer<typeof targetSchema>;
export type Marker = z.infer<typeof markerSchema>;

export const markerComment = (m: Marker) =>
  `${MARKER_PREFIX}${JSON.stringify({ ids: m.ids, version: m.version, hash: m.hash, ...(m.target ? { target: m.target } : {}) })}`;

/** Our marker from an object's comment, or null for an object we did not create. */
export function parseMarker(comment: unknown): Marker | null {
  if (typeof comment !== 'string' || !comment.startsWith(MARKER_PREFIX)) return null;
  let json: unknown;
  try {
    json = JSON.parse(comment.slice(MARKER_PREFIX.length));
  } catch {
    return null;
  }
  const parsed = markerSchema.safeParse(json);
  if (!parsed.success) return null;
  const { target, ...rest } = parsed.data;
  return target ? { ...rest, target } : rest;
}

export const sameTarget = (a: PolicyTarget, b: PolicyTarget) =>
  a.kind === b.kind &&
  a.column === b.column &&
  a.table.length === b.table.length &&
  a.table.every((part, i) => part === b.table[i]);

/**
 * Whether an object was made by us for exactly this target: the one test that lets a sync alter or drop it.
 * Neither its name nor its schema decides: an object made for another target, a foreign one and one whose
 * marker names no target (an earlier version's) are never altered or dropped on behalf of this target.
 */
export const isMadeFor = (p: { kind: string; marker: Marker | null } | undefined, target: PolicyTarget): boolean =>
  p?.marker?.target !== undefined && p.kind === target.kind && sameTarget(p.marker.target, target);

/** An object carrying our marker without a target: made by an earlier version, for a target we cannot know. */
export const isOursOfUnknownTarget = (p: { marker: Marker | null } | undefined): boolean =>
  !!p?.marker && p.marker.target === undefined;
