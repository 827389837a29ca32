/**
 * A statement refusal the way Databricks SQL words it: an error class in brackets, a sentence, the SQLSTATE.
 * The driver surfaces `displayMessage` as the error's message and `sqlState` beside it.
 */
export class DatabricksSqlError extends Error {
  constructor(
    readonly errorClass: string,
    readonly detail: string,
    readonly sqlState?: string,
  ) {
    super(`[${errorClass}] ${detail}${sqlState ? ` SQLSTATE: ${sqlState}` : ''}`);
  }
}

/** Backquotes one name part the way Databricks prints identifiers in its messages. */
export const quotePart = (part: string): string => `\`${part.replaceAll('`', '``')}\``;
const quotePath = (path: readonly string[]): string => path.map(quotePart).join('.');

export const catalogNotFound = (catalog: string) =>
  new DatabricksSqlError(
    'NO_SUCH_CATALOG_EXCEPTION',
    `Catalog '${catalog}' was not found. Please verify the catalog name and then retry the query or command again.`,
    '42704',
  );

export const schemaNotFound = (path: readonly string[]) =>
  new DatabricksSqlError(
    'SCHEMA_NOT_FOUND',
    `The schema ${quotePath(path)} cannot be found. Verify the spelling and correctness of the schema and catalog.\n` +
      'If you did not qualify the name with a catalog, verify the current_schema() output, or qualify the name with ' +
      'the correct catalog.\nTo tolerate the error on drop use DROP SCHEMA IF EXISTS.',
    '42704',
  );

export const tableNotFound = (path: readonly string[]) =>
  new DatabricksSqlError(
    'TABLE_OR_VIEW_NOT_FOUND',
    `The table or view ${quotePath(path)} cannot be found. Verify the spelling and correctness of the schema and ` +
      'catalog.\nIf you did not qualify the name with a schema, verify the current_schema() output, or qualify the ' +
      'name with the correct schema and catalog.\nTo tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE ' +
      'IF EXISTS.',
    '42P01',
  );

export const routineNotFound = (path: readonly string[]) =>
  new DatabricksSqlError(
    'ROUTINE_NOT_FOUND',
    `The routine ${quotePath(path)} cannot be found. Verify the spelling and correctness of the schema and catalog.`,
    '42883',
  );

/** The error class is the emulator's choice: Databricks documents none for a missing volume. */
export const volumeNotFound = (path: readonly string[]) =>
  new DatabricksSqlError('VOLUME_NOT_FOUND', `The volume ${quotePath(path)} cannot be found.`, '42704');

export const expectViewNotTable = (path: readonly string[]) =>
  new DatabricksSqlError(
    'EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE',
    `The table ${quotePath(path)} is not a view. VIEW securables must name a view.`,
    '42809',
  );

const SECURABLE_NOUN: Record<string, string> = {
  CATALOG: 'Catalog',
  SCHEMA: 'Schema',
  TABLE: 'Table',
  VIEW: 'Table',
  FUNCTION: 'Function',
  VOLUME: 'Volume',
};

/**
 * The refusal a caller gets for an object it may not use or manage, as Databricks words it ("[INSUFFICIENT_PERMISSIONS]
 * Insufficient privileges: User does not have USE CATALOG on Catalog 'foo'. SQLSTATE: 42501", quoted in
 * apache/superset#41945).
 */
export const insufficientPermissions = (privilege: string, on: { type: string; path: readonly string[] }) =>
  new DatabricksSqlError(
    'INSUFFICIENT_PERMISSIONS',
    `Insufficient privileges:\nUser does not have ${privilege} on ${SECURABLE_NOUN[on.type] ?? on.type} '${on.path.join('.')}'.`,
    '42501',
  );

export const principalNotFound = (principal: string) =>
  new DatabricksSqlError('PRINCIPAL_DOES_NOT_EXIST', `Could not find principal with name ${principal}.`, '42704');

export const privilegeNotApplicable = (privilege: string, key: string, type: string) =>
  new DatabricksSqlError(
    'INVALID_PARAMETER_VALUE.PRIVILEGE_NOT_APPLICABLE',
    `Privilege ${privilege} is not applicable to this entity [${key}:${type}]. If this seems unexpected, please ` +
      'check the privilege version of the metastore in use [1.0].',
    '22023',
  );

export const unknownPrivilege = (privilege: string) =>
  new DatabricksSqlError(
    'INVALID_PARAMETER_VALUE.INVALID_PRIVILEGE',
    `Privilege ${privilege} is not a valid privilege.`,
    '22023',
  );

export const parseError = (near: string) =>
  new DatabricksSqlError(
    'PARSE_SYNTAX_ERROR',
    `Syntax error at or near ${near === '' ? 'end of input' : `'${near}'`}.`,
    '42601',
  );

/** A statement Databricks would run but this emulator does not model: said plainly, never silently accepted. */
export const unsupported = (what: string) =>
  new DatabricksSqlError('UNSUPPORTED_FEATURE.EMULATOR', `The Databricks emulator does not support ${what}.`, '0A000');

export const unresolvedColumn = (column: string, relation: string) =>
  new DatabricksSqlError(
    'UNRESOLVED_COLUMN.WITH_SUGGESTION',
    `A column, variable, or function parameter with name ${quotePart(column)} cannot be resolved in ${relation}.`,
    '42703',
  );
