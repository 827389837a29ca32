import { type ResultSet, STATEMENT_TYPE, status } from '../result-set.js';
import { doesNotExist } from '../sql-error.js';
import type { Statement } from '../statement.js';
import { type ExecContext, qualify } from './context.js';
import { requireDatabase, requireSchema } from './show.js';

const SUCCESS = 'Statement executed successfully.';

/** USE ROLE / WAREHOUSE / DATABASE / SCHEMA: changes the session; names are checked except warehouses. */
export function executeUse(ctx: ExecContext, s: Extract<Statement, { kind: 'use' }>): ResultSet {
  const { account, session } = ctx;
  switch (s.what) {
    case 'ROLE':
      if (!account.role(s.path[0]!)) throw doesNotExist('Role', s.path);
      session.role = s.path[0]!;
      break;
    case 'WAREHOUSE':
      session.warehouse = s.path[0]!;
      break;
    case 'DATABASE': {
      const db = requireDatabase(account, s.path[0]!);
      session.database = db.name;
      // Snowflake makes PUBLIC current when the database has one.
      session.schema = db.schemas.has('PUBLIC') ? 'PUBLIC' : null;
      break;
    }
    case 'SCHEMA': {
      const path = qualify(ctx, s.path, 2, 'USE SCHEMA');
      requireSchema(account, path);
      session.database = path[0]!;
      session.schema = path[1]!;
      break;
    }
    case 'SECONDARY ROLES':
      break;
  }
  return status(SUCCESS, STATEMENT_TYPE.SESSION);
}

export function executeAlterSession(): ResultSet {
  return status(SUCCESS, STATEMENT_TYPE.SESSION);
}

/** Grants are DDL and autocommit in Snowflake, so transactions change nothing here. */
export function executeTransaction(): ResultSet {
  return status(SUCCESS, STATEMENT_TYPE.TRANSACTION);
}
