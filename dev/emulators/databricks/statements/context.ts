import { parseError } from '../errors.js';
import type { Metastore } from '../metastore.js';
import type { ResultSet } from '../results.js';

/** What a Thrift session carries between statements: its current catalog and schema, and who it is. */
export interface SessionState {
  catalog: string;
  schema: string;
  user: string;
}

export interface StatementContext {
  metastore: Metastore;
  session: SessionState;
}

/** A statement either answers rows or nothing (GRANT, REVOKE, USE: `hasResultSet:false` on the wire). */
export type StatementResult = ResultSet | undefined;

/** Completes a 1–2 part schema name with the session's catalog. */
export function qualifySchema(name: readonly string[], session: SessionState): string[] {
  if (name.length === 1) return [session.catalog, name[0]!];
  if (name.length === 2) return [...name];
  throw parseError(name.join('.'));
}

/** Completes a 1–3 part table name with the session's catalog and schema. */
export function qualifyTable(name: readonly string[], session: SessionState): string[] {
  if (name.length === 1) return [session.catalog, session.schema, name[0]!];
  if (name.length === 2) return [session.catalog, ...name];
  if (name.length === 3) return [...name];
  throw parseError(name.join('.'));
}

/** SHOW ... LIKE patterns: `*` matches anything, `|` separates alternatives, case-insensitive. */
export function showPattern(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  const alternatives = pattern.split('|').map(
    (alt) =>
      new RegExp(
        `^${alt
          .trim()
          .split('*')
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
        'i',
      ),
  );
  return (name) => alternatives.some((re) => re.test(name));
}

/** SQL LIKE: `%` any run, `_` one character; case-sensitive like Databricks' default collation. */
export function sqlLike(pattern: string): (value: string) => boolean {
  let source = '';
  for (const ch of pattern) source += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${source}$`, 's');
  return (value) => re.test(value);
}
