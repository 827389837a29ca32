import { ConnectorError } from '../errors.js';
import type { SnowflakeSession } from './session.js';

export interface StatementResult {
  ok: boolean;
  error?: string;
  /** The warehouse's code, or NOT_FOUND / the error's code when it has none. */
  code?: string;
  notFound?: boolean;
}

/**
 * Runs `statements` in one round trip as an anonymous Snowflake Scripting block. The block stops at the first failing
 * statement; then each runs on its own (GRANT, REVOKE and CREATE ... IF NOT EXISTS are idempotent) so every statement
 * gets its own outcome.
 */
export async function runStatements(
  session: SnowflakeSession,
  statements: readonly string[],
): Promise<StatementResult[]> {
  if (statements.length === 0) return [];
  if (statements.length > 1) {
    try {
      await session.query(`BEGIN\n${statements.map((sql) => `  ${sql};`).join('\n')}\nEND;`);
      return statements.map(() => ({ ok: true }));
    } catch {
      // fall through to one statement at a time
    }
  }
  const results: StatementResult[] = [];
  for (const sql of statements) {
    try {
      await session.query(sql);
      results.push({ ok: true });
    } catch (err) {
      const e = err instanceof ConnectorError ? err : new ConnectorError('STATEMENT_FAILED', String(err));
      results.push({
        ok: false,
        error: e.message,
        code: e.detail?.warehouseCode ?? e.code,
        notFound: e.code === 'NOT_FOUND',
      });
    }
  }
  return results;
}
