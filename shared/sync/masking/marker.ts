import type { Marker } from './model.js';

const MARKER_PREFIX = 'policysync:';

/** The COMMENT that marks a policy object as ours: Ranger policy ids, the policy version, the body hash. */
export const markerComment = (m: Marker) => `${MARKER_PREFIX}${JSON.stringify({ ids: m.ids, version: m.version, hash: m.hash })}`;

/** Our marker from an object's comment, or null for an object we did not create. */
export function parseMarker(comment: unknown): Marker | null {
  if (typeof comment !== 'string' || !comment.startsWith(MARKER_PREFIX)) return null;
  try {
    const m = JSON.parse(comment.slice(MARKER_PREFIX.length)) as Partial<Marker>;
    return typeof m.hash === 'string' ? { ids: Array.isArray(m.ids) ? m.ids : [], version: String(m.version ?? ''), hash: m.hash } : null;
  } catch {
    return null;
  }
}
