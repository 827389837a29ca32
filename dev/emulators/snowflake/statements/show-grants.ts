import { ACCOUNT_NAME, type GrantRecord, type RoleGrant } from '../account.js';
import { displayPath } from '../identifiers.js';
import { type Cell, type ResultSet, rowsByName, STATEMENT_TYPE, text, timestamp } from '../result-set.js';
import { doesNotExist } from '../sql-error.js';
import type { Statement } from '../statement.js';
import { Sight } from '../visibility.js';
import { type ExecContext, qualify } from './context.js';
import { nounOf } from './grant.js';

const GRANT_COLUMNS = [
  timestamp('created_on'),
  text('privilege'),
  text('granted_on'),
  text('name'),
  text('granted_to'),
  text('grantee_name'),
  text('grant_option'),
  text('granted_by'),
];
// SHOW GRANTS OF ROLE: who holds the role (docs.snowflake.com/en/sql-reference/sql/show-grants).
const ROLE_GRANT_COLUMNS = [
  timestamp('created_on'),
  text('role'),
  text('granted_to'),
  text('grantee_name'),
  text('granted_by'),
];
// SHOW GRANTS TO USER since the 2025_01 bundle: the SHOW GRANTS TO ROLE columns with `role` among them
// (docs.snowflake.com/en/release-notes/bcr-bundles/2025_01/bcr-1803).
const USER_GRANT_COLUMNS = [
  timestamp('created_on'),
  text('privilege'),
  text('granted_on'),
  text('name'),
  text('role'),
  text('granted_to'),
  text('grantee_name'),
  text('grant_option'),
  text('granted_by'),
];

/**
 * SHOW GRANTS ON <type> <name> | TO ROLE <r> | TO USER <u> | OF ROLE <r>. A role granted to a role shows in TO ROLE
 * as USAGE on that ROLE, a global privilege as granted on the ACCOUNT; TO USER lists the user's roles the same way; OF ROLE lists the users and roles holding it.
 */
export function executeShowGrants(ctx: ExecContext, s: Extract<Statement, { kind: 'showGrants' }>): ResultSet {
  const { account } = ctx;
  let records: GrantRecord[];
  let roleRows: Record<string, Cell>[] = [];
  const usage = (g: RoleGrant) => ({
    created_on: g.createdOn,
    privilege: 'USAGE',
    granted_on: 'ROLE',
    name: g.role,
    role: g.role,
    granted_to: g.grantee.type,
    grantee_name: g.grantee.name,
    grant_option: 'false',
    granted_by: g.grantedBy,
  });
  if (s.on) {
    const { type } = s.on;
    const path = qualify(ctx, s.on.path, type === 'DATABASE' ? 1 : type === 'SCHEMA' ? 2 : 3, 'SHOW GRANTS');
    // Without MANAGE GRANTS or a privilege on the object, Snowflake answers as for a missing one.
    if (!account.resolve(type, path) || !new Sight(account, ctx.session.role).mayShowGrantsOn(type, path))
      throw doesNotExist(nounOf(type), path);
    records = account.grantRecords((g) => g.on.type === type && g.on.path.join('\u0000') === path.join('\u0000'));
  } else if (s.toRole !== undefined) {
    const role = s.toRole;
    if (!account.role(role)) throw doesNotExist('Role', [role]);
    records = account.grantRecords((g) => g.grantee === role);
    roleRows = [
      // Global privileges (MANAGE GRANTS, APPLY MASKING POLICY, ...) show as granted on the ACCOUNT.
      ...account.accountGrants
        .filter((g) => g.grantee === role)
        .map((g) => ({
          created_on: g.createdOn,
          privilege: g.privilege,
          granted_on: 'ACCOUNT',
          name: ACCOUNT_NAME,
          granted_to: 'ROLE',
          grantee_name: g.grantee,
          grant_option: 'false',
          granted_by: 'ACCOUNTADMIN',
        })),
      ...account.roleGrants((g) => g.grantee.type === 'ROLE' && g.grantee.name === role).map(usage),
    ];
  } else if (s.toUser !== undefined) {
    const user = s.toUser;
    if (!account.user(user)) throw doesNotExist('User', [user]);
    const rows = account.roleGrants((g) => g.grantee.type === 'USER' && g.grantee.name === user).map(usage);
    return {
      columns: USER_GRANT_COLUMNS,
      rows: rowsByName(USER_GRANT_COLUMNS, rows),
      statementTypeId: STATEMENT_TYPE.SHOW,
    };
  } else {
    const role = s.ofRole!;
    if (!account.role(role)) throw doesNotExist('Role', [role]);
    const rows = account
      .roleGrants((g) => g.role === role)
      .map((g) => ({
        created_on: g.createdOn,
        role: g.role,
        granted_to: g.grantee.type,
        grantee_name: g.grantee.name,
        granted_by: g.grantedBy,
      }));
    return {
      columns: ROLE_GRANT_COLUMNS,
      rows: rowsByName(ROLE_GRANT_COLUMNS, rows),
      statementTypeId: STATEMENT_TYPE.SHOW,
    };
  }
  return {
    columns: GRANT_COLUMNS,
    rows: rowsByName(GRANT_COLUMNS, [
      ...records.map((g) => ({
        created_on: g.createdOn,
        privilege: g.privilege,
        granted_on: g.on.type,
        name: displayPath(g.on.path),
        granted_to: 'ROLE',
        grantee_name: g.grantee,
        grant_option: String(g.grantOption),
        granted_by: g.grantedBy,
      })),
      ...roleRows,
    ]),
    statementTypeId: STATEMENT_TYPE.SHOW,
  };
}
