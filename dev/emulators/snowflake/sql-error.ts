import { displayPath } from './identifiers.js';

/**
 * A refusal as Snowflake reports it: the driver raises `code` and `sqlState` from the JSON error body, so
 * these must match the real service for a connector to branch on them.
 */
export class SnowflakeSqlError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly sqlState: string,
  ) {
    super(message);
  }
}

export type ObjectNoun = 'Database' | 'Schema' | 'Table' | 'View' | 'Role' | 'User' | 'Object';

/** 002003: Snowflake never distinguishes "missing" from "not visible to your role". */
export function doesNotExist(noun: ObjectNoun, path: readonly string[]): SnowflakeSqlError {
  return new SnowflakeSqlError(
    '002003',
    `SQL compilation error:\n${noun} '${displayPath(path)}' does not exist or not authorized.`,
    '02000',
  );
}

/** 001003 with Snowflake's 1-based line and 0-based position. */
export function syntaxError(sql: string, offset: number, found: string): SnowflakeSqlError {
  const before = sql.slice(0, offset);
  const line = before.split('\n').length;
  const position = offset - (before.lastIndexOf('\n') + 1);
  return new SnowflakeSqlError(
    '001003',
    `SQL compilation error:\nsyntax error line ${line} at position ${position} unexpected '${found}'.`,
    '42000',
  );
}

export function alreadyExists(path: readonly string[]): SnowflakeSqlError {
  return new SnowflakeSqlError(
    '002002',
    `SQL compilation error:\nObject '${displayPath(path)}' already exists.`,
    '42710',
  );
}

/** 090105: an unqualified name with no current database or schema in the session. */
export function noCurrent(what: 'database' | 'schema', command: string): SnowflakeSqlError {
  const use = what === 'database' ? 'USE DATABASE' : 'USE SCHEMA';
  return new SnowflakeSqlError(
    '090105',
    `Cannot perform ${command}. This session does not have a current ${what}. Call '${use}', or use a qualified name.`,
    '22000',
  );
}

export function unsupported(what: string): SnowflakeSqlError {
  return new SnowflakeSqlError('002043', `SQL compilation error:\nUnsupported feature '${what}'.`, '0A000');
}
