import { ACCOUNT_NAME, type GrantRecord } from '../account.js';
import { displayPath } from '../identifiers.js';
import { type ResultSet, rowsByName, STATEMENT_TYPE, text, timestamp } from '../result-set.js';
import { doesNotExist } from '../sql-error.js';
import type { Statement } from '../statement.js';
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
const ROLE_GRANT_COLUMNS = [
  timestamp('created_on'),
  text('role'),
  text('granted_to'),
  text('grantee_name'),
  text('granted_by'),
];

/** SHOW GRANTS ON <type> <name> | TO ROLE <r> | OF ROLE <r> (role-to-role grants are not modelled: empty). */
export function executeShowGrants(ctx: ExecContext, s: Extract<Statement, { kind: 'showGrants' }>): ResultSet {
  const { account } = ctx;
  let records: GrantRecord[];
  if (s.on) {
    const { type } = s.on;
    const path = qualify(ctx, s.on.path, type === 'DATABASE' ? 1 : type === 'SCHEMA' ? 2 : 3, 'SHOW GRANTS');
    if (!account.resolve(type, path)) throw doesNotExist(nounOf(type), path);
    records = account.grantRecords((g) => g.on.type === type && g.on.path.join('\u0000') === path.join('\u0000'));
  } else if (s.toRole !== undefined) {
    const role = s.toRole;
    if (!account.role(role)) throw doesNotExist('Role', [role]);
    records = account.grantRecords((g) => g.grantee === role);
    const global = account.accountGrants.filter((g) => g.grantee === role);
    return {
      columns: GRANT_COLUMNS,
      rows: rowsByName(GRANT_COLUMNS, [
        ...global.map((g) => ({
          created_on: g.createdOn,
          privilege: g.privilege,
          granted_on: 'ACCOUNT',
          name: ACCOUNT_NAME,
          granted_to: 'ROLE',
          grantee_name: g.grantee,
          grant_option: 'false',
          granted_by: 'ACCOUNTADMIN',
        })),
        ...records.map(grantRow),
      ]),
      statementTypeId: STATEMENT_TYPE.SHOW,
    };
  } else {
    if (!account.role(s.ofRole!)) throw doesNotExist('Role', [s.ofRole!]);
    return { columns: ROLE_GRANT_COLUMNS, rows: [], statementTypeId: STATEMENT_TYPE.SHOW };
  }
  return {
    columns: GRANT_COLUMNS,
    rows: rowsByName(GRANT_COLUMNS, records.map(grantRow)),
    statementTypeId: STATEMENT_TYPE.SHOW,
  };
}

const grantRow = (g: GrantRecord) => ({
  created_on: g.createdOn,
  privilege: g.privilege,
  granted_on: g.on.type,
  name: displayPath(g.on.path),
  granted_to: 'ROLE',
  grantee_name: g.grantee,
  grant_option: String(g.grantOption),
  granted_by: g.grantedBy,
});
