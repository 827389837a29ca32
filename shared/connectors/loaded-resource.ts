import type { Grant, Securable } from './securable.js';

/** What a request covers once loaded: the named object, what lies below it, and the columns of tables. */
export interface LoadedResource {
  /** The object the request named (for a column request: its table). */
  root: Securable;
  /** The root and every object below it: the sync manages all grants on these. */
  objects: Securable[];
  /** The root's ancestors: they only ever gain USAGE for principals granted something below (never revoked). */
  parents: Securable[];
  /** Columns per table or view, keyed by its `securableKey`. */
  columns: Record<string, string[]>;
  /** Set when the request named a column: the column, as stored. */
  column?: string;
  /** Every direct grant on `objects` and `parents`, read with them. */
  grants: Grant[];
}
