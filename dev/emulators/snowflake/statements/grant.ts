import { displayIdent, displayPath } from '../identifiers.js';
import { ALL_PRIVILEGES, isValidOn } from '../privileges.js';
import { type ResultSet, status } from '../result-set.js';
import { doesNotExist, type ObjectNoun, SnowflakeSqlError } from '../sql-error.js';
import type { GrantTarget, ObjectType, Statement } from '../statement.js';
import { type ExecContext, qualify } from './context.js';
import { requireDatabase, requireSchema } from './show.js';

export function nounOf(type: ObjectType): ObjectNoun {
  return ({ DATABASE: 'Database', SCHEMA: 'Schema', TABLE: 'Table', VIEW: 'View' } as const)[type];
}

const SUCCESS = 'Statement executed successfully.';

/**
 * GRANT / REVOKE <privileges> ON <object> TO / FROM ROLE <r>. As in Snowflake: granting a held privilege and
 * revoking an absent one both succeed; a privilege the object type does not take is refused (003011) while the
 * valid ones in the same statement are still applied; OWNERSHIP moves with GRANT OWNERSHIP and is never revoked.
 */
export function executeGrant(ctx: ExecContext, s: Extract<Statement, { kind: 'grant' | 'revoke' }>): ResultSet {
  const { account, session } = ctx;
  const command = s.kind === 'grant' ? 'GRANT' : 'REVOKE';
  const objects = targets(ctx, s.target, command);
  if (!account.role(s.role)) throw doesNotExist('Role', [s.role]);

  if (s.privileges.includes('OWNERSHIP')) {
    if (s.kind === 'revoke') {
      throw new SnowflakeSqlError(
        '003001',
        'SQL access control error:\nOWNERSHIP cannot be revoked; transfer it with GRANT OWNERSHIP ... TO ROLE <role>.',
        '42501',
      );
    }
    if (s.privileges.length > 1)
      throw new SnowflakeSqlError(
        '001003',
        "SQL compilation error:\nsyntax error line 1 at position 6 unexpected 'OWNERSHIP'.",
        '42000',
      );
    for (const on of objects) {
      for (const g of account.grantRecords(
        (x) => x.privilege === 'OWNERSHIP' && x.on.type === on.type && samePath(x.on.path, on.path),
      )) {
        account.revoke({ privilege: 'OWNERSHIP', on: g.on, grantee: g.grantee });
      }
      account.grant({ privilege: 'OWNERSHIP', on, grantee: s.role, grantedBy: session.role, grantOption: false });
    }
    return status(SUCCESS);
  }

  const refused = new Set<string>();
  for (const on of objects) {
    const privileges = s.privileges.flatMap((p) => (p === 'ALL' ? ALL_PRIVILEGES[on.type] : [p]));
    for (const privilege of privileges) {
      if (!isValidOn(on.type, privilege)) {
        refused.add(privilege);
        continue;
      }
      if (s.kind === 'grant')
        account.grant({ privilege, on, grantee: s.role, grantedBy: session.role, grantOption: s.grantOption });
      else account.revoke({ privilege, on, grantee: s.role }, s.grantOption);
    }
  }
  // Revoking a privilege an object type cannot hold changes nothing, so only GRANT reports it.
  if (refused.size > 0 && s.kind === 'grant') {
    throw new SnowflakeSqlError(
      '003011',
      `Grant partially executed: privileges [${[...refused].join(', ')}] not granted.`,
      '42501',
    );
  }
  return status(SUCCESS);
}

/** The objects a GRANT names: one object, or ALL TABLES / VIEWS IN SCHEMA s / DATABASE d (as they exist now). */
function targets(ctx: ExecContext, target: GrantTarget, command: string): { type: ObjectType; path: string[] }[] {
  const { account } = ctx;
  if (target.kind === 'object') {
    const depth = target.type === 'DATABASE' ? 1 : target.type === 'SCHEMA' ? 2 : 3;
    const path = qualify(ctx, target.path, depth, command);
    if (!account.resolve(target.type, path)) {
      // Snowflake names the missing container, not the object, when a database or schema is absent.
      if (depth >= 2) requireDatabase(account, path[0]!);
      if (depth === 3) requireSchema(account, path);
      throw doesNotExist(nounOf(target.type), path);
    }
    return [{ type: target.type, path }];
  }
  const containers =
    target.in.type === 'DATABASE'
      ? [...requireDatabase(account, target.in.path[0]!).schemas.values()].map((schema) => ({
          db: target.in.path[0]!,
          schema,
        }))
      : [
          (() => {
            const path = qualify(ctx, target.in.path, 2, command);
            return { db: path[0]!, schema: requireSchema(account, path).schema };
          })(),
        ];
  return containers.flatMap(({ db, schema }) =>
    [...schema.tables.values()]
      .filter((t) => t.kind === target.type)
      .map((t) => ({ type: target.type, path: [db, schema.name, t.name] })),
  );
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

/**
 * GRANT ROLE r TO ROLE r2 / USER u and REVOKE ROLE ... FROM ...: the role and the grantee must exist (002003, as for
 * objects); granting a role already held and revoking one not held both succeed; a grant that would make a role
 * inherit itself is refused (the code is the emulator's choice).
 */
export function executeGrantRole(
  ctx: ExecContext,
  s: Extract<Statement, { kind: 'grantRole' | 'revokeRole' }>,
): ResultSet {
  const { account } = ctx;
  if (!account.role(s.role)) throw doesNotExist('Role', [s.role]);
  if (s.grantee.type === 'ROLE' && !account.role(s.grantee.name)) throw doesNotExist('Role', [s.grantee.name]);
  if (s.grantee.type === 'USER' && !account.user(s.grantee.name)) throw doesNotExist('User', [s.grantee.name]);
  if (s.kind === 'revokeRole') {
    account.revokeRole(s.role, s.grantee);
    return status(SUCCESS);
  }
  if (s.grantee.type === 'ROLE' && account.inherits(s.role, s.grantee.name)) {
    throw new SnowflakeSqlError(
      '003013',
      `SQL execution error:\nGranting role '${displayIdent(s.role)}' to role '${displayIdent(s.grantee.name)}' would create a cycle.`,
      '42601',
    );
  }
  account.grantRole(s.role, s.grantee, ctx.session.role);
  return status(SUCCESS);
}

/** CREATE [OR REPLACE] USER [IF NOT EXISTS] u [LOGIN_NAME = ..., PASSWORD = ..., COMMENT = ..., DEFAULT_ROLE = ...]. */
export function executeCreateUser(ctx: ExecContext, s: Extract<Statement, { kind: 'createUser' }>): ResultSet {
  const { account } = ctx;
  const name = displayIdent(s.name);
  if (account.user(s.name)) {
    if (s.ifNotExists) return status(`${name} already exists, statement succeeded.`);
    if (!s.orReplace)
      throw new SnowflakeSqlError('002002', `SQL compilation error:\nObject '${name}' already exists.`, '42710');
  }
  const p = s.properties;
  account.addUser(s.name, {
    ...(p.LOGIN_NAME !== undefined ? { loginName: p.LOGIN_NAME } : {}),
    ...(p.COMMENT !== undefined ? { comment: p.COMMENT } : {}),
    ...(p.DEFAULT_ROLE !== undefined ? { defaultRole: p.DEFAULT_ROLE } : {}),
    hasPassword: p.PASSWORD !== undefined && p.PASSWORD !== '',
  });
  return status(`User ${name} successfully created.`);
}

/** CREATE [OR REPLACE] ROLE [IF NOT EXISTS] r. */
export function executeCreateRole(ctx: ExecContext, s: Extract<Statement, { kind: 'createRole' }>): ResultSet {
  const { account } = ctx;
  const name = displayIdent(s.name);
  if (account.role(s.name)) {
    if (s.ifNotExists) return status(`${name} already exists, statement succeeded.`);
    if (!s.orReplace)
      throw new SnowflakeSqlError('002002', `SQL compilation error:\nObject '${name}' already exists.`, '42710');
    account.dropRole(s.name);
  }
  account.addRole(s.name, s.comment ?? null);
  return status(`Role ${name} successfully created.`);
}

export function executeDropRole(ctx: ExecContext, s: Extract<Statement, { kind: 'dropRole' }>): ResultSet {
  const name = displayPath([s.name]);
  if (!ctx.account.role(s.name)) {
    if (s.ifExists) return status(`Drop statement executed successfully (${name} already dropped).`);
    throw doesNotExist('Role', [s.name]);
  }
  ctx.account.dropRole(s.name);
  return status(`${name} successfully dropped.`);
}
