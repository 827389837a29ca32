/** A statement's answer before it is put on the wire: typed columns and rows of plain cells. */

export type ColumnType = 'text' | 'fixed' | 'timestamp_ltz' | 'boolean';
export interface ResultColumn {
  name: string;
  type: ColumnType;
}
export type Cell = string | number | boolean | Date | null;

export interface ResultSet {
  columns: ResultColumn[];
  rows: Cell[][];
  /** Snowflake's statementTypeId family: 0x1000 SELECT, 0x4000 session (USE/ALTER SESSION), 0x6000 DDL/DCL/SHOW. */
  statementTypeId: number;
}

export const STATEMENT_TYPE = {
  SELECT: 0x1000,
  SESSION: 0x4000,
  TRANSACTION: 0x5000,
  DDL: 0x6000,
  SHOW: 0x6000,
} as const;

export function text(name: string): ResultColumn {
  return { name, type: 'text' };
}
export function fixed(name: string): ResultColumn {
  return { name, type: 'fixed' };
}
export function timestamp(name: string): ResultColumn {
  return { name, type: 'timestamp_ltz' };
}

/** Snowflake answers DDL, GRANT and USE with a one-row `status` table. */
export function status(message: string, statementTypeId: number = STATEMENT_TYPE.DDL): ResultSet {
  return { columns: [text('status')], rows: [[message]], statementTypeId };
}

/** Column names of a result set, for building rows by name. */
export function rowsByName(columns: ResultColumn[], records: Record<string, Cell>[]): Cell[][] {
  return records.map((r) => columns.map((c) => r[c.name] ?? null));
}
