import { randomBytes, randomUUID } from 'node:crypto';
import type * as T from '@databricks/sql/thrift/TCLIService_types.js';
import type { ControlState } from '../control/control-state.js';
import { DatabricksSqlError } from './errors.js';
import { jdbcCatalogs, jdbcColumns, jdbcSchemas, jdbcTables } from './jdbc-metadata.js';
import type { Metastore } from './metastore.js';
import { type ResultSet, rowSet, stringColumns, tableSchema } from './results.js';
import { bindParameters } from './sql/parameters.js';
import type { SessionState } from './statements/context.js';
import { executeStatement } from './statements/execute.js';
import { int64ToNumber, ttypes } from './thrift-runtime.js';

interface Operation {
  session: string;
  result?: ResultSet;
  error?: DatabricksSqlError;
  cursor: number;
}

const ok = () => new ttypes.TStatus({ statusCode: ttypes.TStatusCode.SUCCESS_STATUS });
const failed = (message: string) =>
  new ttypes.TStatus({
    statusCode: ttypes.TStatusCode.ERROR_STATUS,
    errorMessage: message,
    displayMessage: message,
    sqlState: 'HY000',
  });

/** Handles carry RFC-4122 UUID bytes: the driver prints them with uuid.stringify, which rejects anything else. */
function newHandle(): T.THandleIdentifier {
  return new ttypes.THandleIdentifier({
    guid: Buffer.from(randomUUID().replaceAll('-', ''), 'hex'),
    secret: randomBytes(16),
  });
}
const keyOf = (id: { guid?: Buffer } | undefined) => id?.guid?.toString('hex') ?? '';

export interface HandlerOptions {
  metastore: Metastore;
  control: ControlState;
  user: string;
}

/**
 * TCLIService in Promise style for the driver's generated Processor. Every method declares exactly one
 * parameter: the Processor picks the Promise path by `handler.Method.length === 1`, otherwise it passes a
 * callback that is never called and the client hangs.
 *
 * Statements run to completion inside ExecuteStatement. When the driver asks for direct results (its default)
 * the answer carries status, metadata, the first batch and the close; otherwise (`maxRows: null`) it polls
 * GetOperationStatus (FINISHED, or ERROR with Databricks' displayMessage and sqlState), reads
 * GetResultSetMetadata and fetches COLUMN_BASED_SET batches.
 */
export interface ThriftHandler {
  /** The object the generated Processor calls, one Promise-returning method per TCLIService call. */
  methods: object;
  /** Forgets every session and its operations, as an expired or restarted warehouse does. */
  endSessions(): void;
  /** The user the current HTTP request authenticated as; a session opened by it runs as that user. */
  requestUser: string;
}

export function createThriftHandler({ metastore, control, user }: HandlerOptions): ThriftHandler {
  const sessions = new Map<string, SessionState>();
  const operations = new Map<string, Operation>();
  const defaultCatalog = () => [...metastore.catalogs.keys()][0] ?? 'main';

  const operationResponse = (session: string, run: () => ResultSet | undefined, type: number) => {
    const id = newHandle();
    const op: Operation = { session, cursor: 0 };
    try {
      const result = run();
      if (result) op.result = result;
    } catch (error) {
      if (!(error instanceof DatabricksSqlError)) throw error;
      op.error = error;
    }
    operations.set(keyOf(id), op);
    // A failed statement must say hasResultSet:true, or the driver never asks for its status and reports success.
    const hasResultSet = op.result !== undefined || op.error !== undefined;
    return {
      status: ok(),
      operationHandle: new ttypes.TOperationHandle({ operationId: id, operationType: type, hasResultSet }),
    };
  };

  const metadataOperation = (req: { sessionHandle: T.TSessionHandle }, run: () => ResultSet) => {
    const session = keyOf(req.sessionHandle?.sessionId);
    if (!sessions.has(session)) return { status: failed('Invalid SessionHandle') };
    return operationResponse(session, run, ttypes.TOperationType.GET_TABLES);
  };

  const statusOf = (op: Operation) => {
    if (op.error) {
      return new ttypes.TGetOperationStatusResp({
        status: ok(),
        operationState: ttypes.TOperationState.ERROR_STATE,
        sqlState: op.error.sqlState,
        errorCode: 0,
        errorMessage: `org.apache.hive.service.cli.HiveSQLException: Error running query: ${op.error.message}`,
        displayMessage: op.error.message,
        errorDetailsJson: JSON.stringify({ errorClass: op.error.errorClass, sqlState: op.error.sqlState }),
        hasResultSet: true,
      });
    }
    return new ttypes.TGetOperationStatusResp({
      status: ok(),
      operationState: ttypes.TOperationState.FINISHED_STATE,
      hasResultSet: op.result !== undefined,
    });
  };

  const metadataOf = (op: Operation) =>
    new ttypes.TGetResultSetMetadataResp({
      status: ok(),
      schema: tableSchema(op.result ?? { columns: [], rows: [] }),
      resultFormat: ttypes.TSparkRowSetType.COLUMN_BASED_SET,
      lz4Compressed: false,
    });

  const fetchFrom = (op: Operation, maxRows: number | undefined) => {
    const result = op.result ?? { columns: [], rows: [] };
    const max = Math.max(1, maxRows ?? 10_000);
    const results = rowSet(result, op.cursor, max);
    op.cursor = Math.min(result.rows.length, op.cursor + max);
    return new ttypes.TFetchResultsResp({ status: ok(), hasMoreRows: op.cursor < result.rows.length, results });
  };

  /**
   * Databricks answers a quick statement inline when the driver asks for direct results: status, metadata,
   * the first batch and, when that batch holds everything, the close — one HTTP round trip per statement.
   */
  const withDirectResults = (response: ReturnType<typeof operationResponse>, maxRows: number | undefined) => {
    const id = keyOf(response.operationHandle.operationId);
    const op = operations.get(id)!;
    const directResults = new ttypes.TSparkDirectResults({ operationStatus: statusOf(op) });
    // The driver asks for metadata even of a statement without rows (to learn there is nothing to fetch).
    if (!op.error) directResults.resultSetMetadata = metadataOf(op);
    if (op.result) directResults.resultSet = fetchFrom(op, maxRows);
    if (!directResults.resultSet?.hasMoreRows) {
      directResults.closeOperation = new ttypes.TCloseOperationResp({ status: ok() });
      operations.delete(id);
    }
    return { ...response, directResults };
  };

  const unsupported = (name: string) => async (_req: unknown) => ({
    status: failed(`${name} is not supported by the Databricks emulator`),
  });

  const methods = {
    async OpenSession(req: T.TOpenSessionReq) {
      const handle = newHandle();
      const catalog = req.initialNamespace?.catalogName?.toLowerCase() ?? defaultCatalog();
      const schema = req.initialNamespace?.schemaName?.toLowerCase() ?? 'default';
      sessions.set(keyOf(handle), { catalog, schema, user: handler.requestUser });
      return new ttypes.TOpenSessionResp({
        status: ok(),
        serverProtocolVersion: ttypes.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8,
        sessionHandle: new ttypes.TSessionHandle({ sessionId: handle }),
        initialNamespace: new ttypes.TNamespace({ catalogName: catalog, schemaName: schema }),
        canUseMultipleCatalogs: true,
        configuration: {},
      });
    },

    async CloseSession(req: T.TCloseSessionReq) {
      const key = keyOf(req.sessionHandle?.sessionId);
      if (!sessions.delete(key)) return { status: failed('Invalid SessionHandle') };
      for (const [id, op] of operations) if (op.session === key) operations.delete(id);
      return { status: ok() };
    },

    async ExecuteStatement(req: T.TExecuteStatementReq) {
      const key = keyOf(req.sessionHandle?.sessionId);
      const session = sessions.get(key);
      if (!session) return { status: failed('Invalid SessionHandle') };
      const sql = req.statement;
      const response = operationResponse(
        key,
        () => {
          let error: DatabricksSqlError | undefined;
          try {
            control.countRoundTrip();
            const injected = control.takeFault(sql);
            if (injected) throw new DatabricksSqlError(injected.code, injected.message, injected.sqlState);
            return executeStatement({ metastore, session }, bindParameters(sql, req.parameters));
          } catch (e) {
            if (e instanceof DatabricksSqlError) error = e;
            else error = new DatabricksSqlError('INTERNAL_ERROR', `emulator failure: ${(e as Error).message}`, 'XX000');
            throw error;
          } finally {
            control.record(sql, error === undefined, error?.message);
            control.afterStatement(sql);
          }
        },
        ttypes.TOperationType.EXECUTE_STATEMENT,
      );
      return req.getDirectResults ? withDirectResults(response, int64ToNumber(req.getDirectResults.maxRows)) : response;
    },

    async GetOperationStatus(req: T.TGetOperationStatusReq) {
      const op = operations.get(keyOf(req.operationHandle?.operationId));
      return op ? statusOf(op) : { status: failed('Invalid OperationHandle') };
    },

    async GetResultSetMetadata(req: T.TGetResultSetMetadataReq) {
      const op = operations.get(keyOf(req.operationHandle?.operationId));
      return op ? metadataOf(op) : { status: failed('Invalid OperationHandle') };
    },

    async FetchResults(req: T.TFetchResultsReq) {
      const op = operations.get(keyOf(req.operationHandle?.operationId));
      if (!op) return { status: failed('Invalid OperationHandle') };
      if (req.fetchType === 1) {
        // operation logs: none
        return { status: ok(), hasMoreRows: false, results: rowSet({ columns: stringColumns('log'), rows: [] }, 0, 0) };
      }
      if (req.orientation === ttypes.TFetchOrientation.FETCH_FIRST) op.cursor = 0;
      return fetchFrom(op, int64ToNumber(req.maxRows));
    },

    async CloseOperation(req: T.TCloseOperationReq) {
      if (!operations.delete(keyOf(req.operationHandle?.operationId)))
        return { status: failed('Invalid OperationHandle') };
      return { status: ok() };
    },

    async CancelOperation(req: T.TCancelOperationReq) {
      if (!operations.has(keyOf(req.operationHandle?.operationId)))
        return { status: failed('Invalid OperationHandle') };
      return { status: ok() };
    },

    async GetInfo(req: T.TGetInfoReq) {
      const names: Record<number, string> = {
        [ttypes.TGetInfoType.CLI_SERVER_NAME]: 'Databricks emulator',
        [ttypes.TGetInfoType.CLI_DBMS_NAME]: 'Spark SQL',
        [ttypes.TGetInfoType.CLI_DBMS_VER]: '3.5.0',
      };
      return { status: ok(), infoValue: new ttypes.TGetInfoValue({ stringValue: names[req.infoType] ?? '' }) };
    },

    // JDBC-style metadata calls (DBSQLSession.getCatalogs() and friends), answered from the same metastore.
    async GetCatalogs(req: T.TGetCatalogsReq) {
      return metadataOperation(req, () => jdbcCatalogs(metastore));
    },
    async GetSchemas(req: T.TGetSchemasReq) {
      return metadataOperation(req, () => jdbcSchemas(metastore, req));
    },
    async GetTables(req: T.TGetTablesReq) {
      return metadataOperation(req, () => jdbcTables(metastore, req));
    },
    async GetColumns(req: T.TGetColumnsReq) {
      return metadataOperation(req, () => jdbcColumns(metastore, req));
    },

    GetTypeInfo: unsupported('GetTypeInfo'),
    GetTableTypes: unsupported('GetTableTypes'),
    GetFunctions: unsupported('GetFunctions'),
    GetPrimaryKeys: unsupported('GetPrimaryKeys'),
    GetCrossReference: unsupported('GetCrossReference'),
    GetDelegationToken: unsupported('GetDelegationToken'),
    CancelDelegationToken: unsupported('CancelDelegationToken'),
    RenewDelegationToken: unsupported('RenewDelegationToken'),
  };
  const handler: ThriftHandler = {
    methods,
    endSessions: () => {
      sessions.clear();
      operations.clear();
    },
    requestUser: user,
  };
  return handler;
}
