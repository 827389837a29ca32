import type { Column } from '../account.js';

/**
 * SHOW COLUMNS prints data_type as JSON and INFORMATION_SCHEMA.COLUMNS splits it into DATA_TYPE, lengths and
 * precisions. The catalog writes SQL types (`VARCHAR(100)`, `NUMBER(38,0)`, `TIMESTAMP_LTZ`); this maps them.
 */
export interface ColumnTypeInfo {
  type: string;
  dataType: string;
  length: number | null;
  precision: number | null;
  scale: number | null;
}

export function columnTypeInfo(sqlType: string): ColumnTypeInfo {
  const m = /^\s*([A-Za-z_ ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/.exec(sqlType);
  const base = (m?.[1] ?? sqlType).toUpperCase().replace(/\s+/g, ' ');
  const a = m?.[2] === undefined ? null : Number(m[2]);
  const b = m?.[3] === undefined ? null : Number(m[3]);
  if (['VARCHAR', 'STRING', 'TEXT', 'CHAR', 'CHARACTER', 'NVARCHAR'].includes(base)) {
    return {
      type: 'TEXT',
      dataType: 'TEXT',
      length: a ?? (base.startsWith('CHAR') ? 1 : 16777216),
      precision: null,
      scale: null,
    };
  }
  if (['NUMBER', 'NUMERIC', 'DECIMAL', 'INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'BYTEINT'].includes(base)) {
    const isInt = !['NUMBER', 'NUMERIC', 'DECIMAL'].includes(base);
    return {
      type: 'FIXED',
      dataType: 'NUMBER',
      length: null,
      precision: isInt ? 38 : (a ?? 38),
      scale: isInt ? 0 : (b ?? 0),
    };
  }
  if (['FLOAT', 'DOUBLE', 'REAL', 'DOUBLE PRECISION', 'FLOAT4', 'FLOAT8'].includes(base))
    return { type: 'REAL', dataType: 'FLOAT', length: null, precision: null, scale: null };
  if (base === 'BOOLEAN') return { type: 'BOOLEAN', dataType: 'BOOLEAN', length: null, precision: null, scale: null };
  if (base === 'DATE') return { type: 'DATE', dataType: 'DATE', length: null, precision: null, scale: null };
  if (base === 'TIMESTAMP' || base === 'TIMESTAMP_NTZ' || base === 'DATETIME')
    return { type: 'TIMESTAMP_NTZ', dataType: 'TIMESTAMP_NTZ', length: null, precision: null, scale: a ?? 9 };
  if (base === 'TIMESTAMP_LTZ' || base === 'TIMESTAMP_TZ')
    return { type: base, dataType: base, length: null, precision: null, scale: a ?? 9 };
  return { type: base, dataType: base, length: null, precision: null, scale: null };
}

export function columnTypeJson(c: Column): Record<string, unknown> {
  const info = columnTypeInfo(c.type);
  const json: Record<string, unknown> = { type: info.type };
  if (info.type === 'TEXT')
    Object.assign(json, { length: info.length, byteLength: Math.min((info.length ?? 0) * 4, 16777216), fixed: false });
  if (info.type === 'FIXED') Object.assign(json, { precision: info.precision, scale: info.scale });
  if (info.type.startsWith('TIMESTAMP')) Object.assign(json, { precision: 0, scale: info.scale });
  json.nullable = c.nullable;
  return json;
}
