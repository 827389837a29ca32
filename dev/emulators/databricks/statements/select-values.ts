import type { ColumnType, ResultSet } from '../results.js';
import type { Statement } from '../sql/ast.js';
import type { StatementContext } from './context.js';

/** `SELECT 1`, `SELECT 'x' AS y`, `SELECT current_user()`: one row, columns named as Databricks names them. */
export function selectValues(
  { session }: StatementContext,
  s: Extract<Statement, { kind: 'select-values' }>,
): ResultSet {
  const cells = s.items.map(({ expr }) => {
    if (expr.kind === 'call') {
      const value =
        expr.name === 'CURRENT_USER'
          ? session.user
          : expr.name === 'CURRENT_CATALOG'
            ? session.catalog
            : expr.name === 'CURRENT_VERSION'
              ? 'emulator'
              : session.schema;
      return { type: 'STRING' as ColumnType, value };
    }
    const v = expr.value;
    const type: ColumnType =
      typeof v === 'number' ? (Number.isInteger(v) ? 'INT' : 'STRING') : typeof v === 'boolean' ? 'BOOLEAN' : 'STRING';
    return { type, value: v };
  });
  return {
    columns: s.items.map((item, i) => ({ name: item.alias ?? item.expr.text, type: cells[i]!.type })),
    rows: [cells.map((c) => c.value)],
  };
}
