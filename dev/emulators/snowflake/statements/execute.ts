import type { ResultSet } from '../result-set.js';
import type { Statement } from '../statement.js';
import type { ExecContext } from './context.js';
import { executeDescribe } from './describe.js';
import { executeCreateRole, executeCreateUser, executeDropRole, executeGrant, executeGrantRole } from './grant.js';
import { executePolicyStatement } from './masking.js';
import { executeSelect } from './select.js';
import { executeAlterSession, executeTransaction, executeUse } from './session.js';
import { executeShow } from './show.js';
import { executeShowGrants } from './show-grants.js';

/** Runs one parsed statement against the account; refusals throw SnowflakeSqlError. */
export function executeStatement(ctx: ExecContext, s: Statement): ResultSet {
  switch (s.kind) {
    case 'show':
      return executeShow(ctx, s);
    case 'showGrants':
      return executeShowGrants(ctx, s);
    case 'grant':
    case 'revoke':
      return executeGrant(ctx, s);
    case 'grantRole':
    case 'revokeRole':
      return executeGrantRole(ctx, s);
    case 'createRole':
      return executeCreateRole(ctx, s);
    case 'createUser':
      return executeCreateUser(ctx, s);
    case 'dropRole':
      return executeDropRole(ctx, s);
    case 'use':
      return executeUse(ctx, s);
    case 'alterSession':
      return executeAlterSession();
    case 'transaction':
      return executeTransaction();
    case 'select':
      return executeSelect(ctx, s);
    case 'describe':
      return executeDescribe(ctx, s);
    case 'policy':
      return executePolicyStatement(ctx, s.statement);
    // A block's statements are run one by one by the server, which logs each and applies faults to each.
    case 'block':
      throw new Error('a block reached the statement executor');
  }
}
