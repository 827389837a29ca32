import type { Account } from '../account.js';
import type { Session } from '../session.js';
import { noCurrent, SnowflakeSqlError } from '../sql-error.js';
import type { Value } from '../statement.js';

/** Bindings as the driver sends them: `{"1": {type: 'TEXT', value: 'x'}}`. */
export type Bindings = Record<string, { type: string; value: unknown }>;

export interface ExecContext {
  account: Account;
  session: Session;
  bindings: Bindings;
}

/** The value of a literal or placeholder; a placeholder without a binding is Snowflake's 002049. */
export function bindValue(ctx: ExecContext, v: Value): string | number | null {
  if (v.kind === 'literal') return v.value;
  const b = ctx.bindings[String(v.index)];
  if (!b)
    throw new SnowflakeSqlError(
      '002049',
      'SQL compilation error: error line 0 at position 0\nBind variable ? not set.',
      '42601',
    );
  if (b.value === null || b.value === undefined) return null;
  return b.type === 'FIXED' || b.type === 'REAL' ? Number(b.value) : String(b.value);
}

/** Completes a partial name with the session's current database and schema, as Snowflake resolves it. */
export function qualify(ctx: ExecContext, path: readonly string[], depth: 1 | 2 | 3, command: string): string[] {
  if (path.length >= depth) return [...path];
  const { database, schema } = ctx.session;
  if (!database) throw noCurrent('database', command);
  if (depth === 2) return [database, ...path];
  if (path.length === 2) return [database, ...path];
  if (!schema) throw noCurrent('schema', command);
  return [database, schema, ...path];
}
