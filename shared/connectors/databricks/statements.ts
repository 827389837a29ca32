import type { Row } from './session.js';

/** What the connector needs of a session: statements with named parameters, and closing. */
export interface DatabricksStatements {
  query(sql: string, namedParameters?: Record<string, string>): Promise<Row[]>;
  close(): Promise<void>;
}
