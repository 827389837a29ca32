import type { Cell, ResultColumn, ResultSet } from './result-set.js';

/**
 * The JSON bodies snowflake-sdk expects (PROTOCOLS.md): always HTTP 200, `success` says whether it worked,
 * errors carry `code` and `data.sqlState`, results are `rowtype` + `rowset` with string cells.
 */

/** Session parameters the driver needs to read timestamp_ltz cells; sent at login and with every result. */
export const SESSION_PARAMETERS: { name: string; value: string | number | boolean }[] = [
  { name: 'TIMEZONE', value: 'Etc/UTC' },
  { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'TIMESTAMP_LTZ_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'TIMESTAMP_NTZ_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3' },
  { name: 'TIMESTAMP_TZ_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
  { name: 'TIME_OUTPUT_FORMAT', value: 'HH24:MI:SS' },
  { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
  { name: 'CLIENT_RESULT_CHUNK_SIZE', value: 160 },
  { name: 'CLIENT_SESSION_KEEP_ALIVE', value: false },
  { name: 'CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY', value: 3600 },
  { name: 'QUERY_CONTEXT_CACHE_SIZE', value: 5 },
];

export const SERVER_VERSION = '9.38.2';

export interface ErrorBody {
  success: false;
  code: string;
  message: string;
  data: { sqlState?: string; queryId?: string; errorCode?: string; internalError?: boolean } | null;
  headers: null;
}

export function errorBody(code: string, message: string, sqlState?: string, queryId?: string): ErrorBody {
  return {
    success: false,
    code,
    message,
    headers: null,
    data: { errorCode: code, internalError: false, ...(sqlState ? { sqlState } : {}), ...(queryId ? { queryId } : {}) },
  };
}

export function loginBody(session: {
  token: string;
  masterToken: string;
  id: number;
  role: string;
  warehouse: string | null;
  database: string | null;
  schema: string | null;
}): unknown {
  return {
    success: true,
    code: null,
    message: null,
    data: {
      token: session.token,
      masterToken: session.masterToken,
      validityInSeconds: 3600,
      masterValidityInSeconds: 14400,
      sessionId: session.id,
      displayUserName: '',
      serverVersion: SERVER_VERSION,
      firstLogin: false,
      remMeToken: null,
      remMeValidityInSeconds: 0,
      healthCheckInterval: 45,
      newClientForUpgrade: null,
      parameters: SESSION_PARAMETERS,
      sessionInfo: {
        databaseName: session.database,
        schemaName: session.schema,
        warehouseName: session.warehouse,
        roleName: session.role,
      },
    },
  };
}

/** The Node driver reads rowset only; cells travel as strings (timestamp_ltz as "<epoch seconds>.<millis>"). */
export function resultBody(
  queryId: string,
  result: ResultSet,
  session: { role: string; warehouse: string | null; database: string | null; schema: string | null },
): unknown {
  return {
    success: true,
    code: null,
    message: null,
    data: {
      queryId,
      rowtype: result.columns.map(rowType),
      rowset: result.rows.map((row) => row.map((cell, k) => wireCell(cell, result.columns[k]!))),
      total: result.rows.length,
      returned: result.rows.length,
      statementTypeId: result.statementTypeId,
      version: 1,
      queryResultFormat: 'json',
      parameters: SESSION_PARAMETERS,
      finalDatabaseName: session.database,
      finalSchemaName: session.schema,
      finalWarehouseName: session.warehouse,
      finalRoleName: session.role,
    },
  };
}

/** A multi-statement parent: the driver fetches each child with GET /queries/<id>/result. */
export function multiStatementBody(queryId: string, childIds: string[], childTypes: number[]): unknown {
  return {
    success: true,
    code: null,
    message: null,
    data: {
      queryId,
      resultIds: childIds.join(','),
      resultTypes: childTypes.join(','),
      rowtype: [rowType({ name: 'multiple statement execution', type: 'text' })],
      rowset: [['Multiple statements executed successfully.']],
      total: 1,
      returned: 1,
      statementTypeId: 0x1000,
      version: 1,
      queryResultFormat: 'json',
      parameters: SESSION_PARAMETERS,
    },
  };
}

function rowType(c: ResultColumn): Record<string, unknown> {
  const base = { name: c.name, database: '', schema: '', table: '', nullable: true, collation: null };
  switch (c.type) {
    case 'fixed':
      return { ...base, type: 'fixed', precision: 38, scale: 0, length: null, byteLength: null };
    case 'timestamp_ltz':
      return { ...base, type: 'timestamp_ltz', precision: 0, scale: 3, length: null, byteLength: null };
    case 'boolean':
      return { ...base, type: 'boolean', precision: null, scale: null, length: null, byteLength: null };
    default:
      return { ...base, type: 'text', precision: null, scale: null, length: 16777216, byteLength: 16777216 };
  }
}

function wireCell(cell: Cell, column: ResultColumn): string | null {
  if (cell === null) return null;
  if (cell instanceof Date) {
    const ms = cell.getTime();
    return `${Math.floor(ms / 1000)}.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}`;
  }
  if (typeof cell === 'boolean') return column.type === 'boolean' ? (cell ? '1' : '0') : String(cell);
  return String(cell);
}
