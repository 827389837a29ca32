import type * as T from '@databricks/sql/thrift/TCLIService_types.js';
import { int64, ttypes } from './thrift-runtime.js';

/** A result the way a statement produces it, before it becomes Thrift columns. */
export type ColumnType = 'STRING' | 'INT' | 'BIGINT' | 'BOOLEAN' | 'TIMESTAMP';
export interface ResultColumn {
  name: string;
  type: ColumnType;
}
export type Cell = string | number | boolean | null;
export interface ResultSet {
  columns: ResultColumn[];
  rows: Cell[][];
}

export const stringColumns = (...names: string[]): ResultColumn[] => names.map((n) => ({ name: n, type: 'STRING' }));

const TYPE_IDS: Record<ColumnType, number> = {
  STRING: ttypes.TTypeId.STRING_TYPE,
  INT: ttypes.TTypeId.INT_TYPE,
  BIGINT: ttypes.TTypeId.BIGINT_TYPE,
  BOOLEAN: ttypes.TTypeId.BOOLEAN_TYPE,
  TIMESTAMP: ttypes.TTypeId.TIMESTAMP_TYPE,
};

export function tableSchema(result: ResultSet): T.TTableSchema {
  return new ttypes.TTableSchema({
    columns: result.columns.map(
      (column, position) =>
        new ttypes.TColumnDesc({
          columnName: column.name,
          position: position + 1,
          typeDesc: new ttypes.TTypeDesc({
            types: [
              new ttypes.TTypeEntry({
                primitiveEntry: new ttypes.TPrimitiveTypeEntry({ type: TYPE_IDS[column.type] }),
              }),
            ],
          }),
        }),
    ),
  });
}

/** The driver reads a null bitmap (bit i%8 of byte i/8) beside every value array; it must be present. */
function nullBitmap(cells: Cell[]): Buffer {
  const bitmap = Buffer.alloc(Math.ceil(cells.length / 8));
  cells.forEach((cell, i) => {
    if (cell === null) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return bitmap;
}

function column(type: ColumnType, cells: Cell[]): T.TColumn {
  const nulls = nullBitmap(cells);
  switch (type) {
    case 'INT':
      return new ttypes.TColumn({ i32Val: new ttypes.TI32Column({ values: cells.map((c) => Number(c ?? 0)), nulls }) });
    case 'BIGINT':
      return new ttypes.TColumn({
        i64Val: new ttypes.TI64Column({ values: cells.map((c) => int64(Number(c ?? 0))), nulls }),
      });
    case 'BOOLEAN':
      return new ttypes.TColumn({ boolVal: new ttypes.TBoolColumn({ values: cells.map((c) => c === true), nulls }) });
    default:
      return new ttypes.TColumn({
        stringVal: new ttypes.TStringColumn({ values: cells.map((c) => (c === null ? '' : String(c))), nulls }),
      });
  }
}

/** COLUMN_BASED_SET rows [start, start + count): every driver setting reads these. */
export function rowSet(result: ResultSet, start: number, count: number): T.TRowSet {
  const rows = result.rows.slice(start, start + count);
  return new ttypes.TRowSet({
    startRowOffset: int64(start),
    rows: [],
    columns: result.columns.map((c, i) =>
      column(
        c.type,
        rows.map((row) => row[i] ?? null),
      ),
    ),
  });
}
