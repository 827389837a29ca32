import { Access } from '../access.js';
import { parseError } from '../errors.js';
import type { ResolvedSecurable } from '../metastore.js';
import { type ResultSet, stringColumns } from '../results.js';
import type { SecurableRef, Statement } from '../sql/ast.js';
import { qualifySchema, qualifyTable, type StatementContext } from './context.js';

type Of<K extends Statement['kind']> = Extract<Statement, { kind: K }>;

/** The object a grant statement names, once the session's user is allowed to manage its grants. */
export function resolveSecurable(
  { metastore, session }: StatementContext,
  on: SecurableRef,
  principal?: string,
): ResolvedSecurable {
  if (on.type === 'CATALOG' && on.name.length !== 1) throw parseError(on.name.join('.'));
  const path =
    on.type === 'CATALOG'
      ? on.name
      : on.type === 'SCHEMA'
        ? qualifySchema(on.name, session)
        : qualifyTable(on.name, session);
  return new Access(metastore, session.user).authorize(
    on.type,
    path.map((p) => p.toLowerCase()),
    principal === session.user,
  );
}

/**
 * SHOW GRANTS lists what affects the object: its own grants and, as Databricks shows them, those inherited
 * from its schema and catalog — told apart only by objectType/objectKey naming the ancestor.
 */
export function showGrants(ctx: StatementContext, s: Of<'show-grants'>): ResultSet {
  const on = resolveSecurable(ctx, s.on, s.principal);
  if (s.principal !== undefined) ctx.metastore.principal(s.principal);
  const rows = ctx.metastore
    .effectiveGrants(on)
    .filter((g) => s.principal === undefined || g.principal === s.principal)
    .map((g) => [g.principal, g.privilege, g.objectType, g.path.join('.')]);
  // A SQL warehouse names these columns in PascalCase (as dbt-databricks reads them); the SQL reference page
  // prints them in camel case and some runtimes answer in lower case: clients must read them case-insensitively.
  return { columns: stringColumns('Principal', 'ActionType', 'ObjectType', 'ObjectKey'), rows };
}

export function grant(ctx: StatementContext, s: Of<'grant'>): undefined {
  ctx.metastore.grant(s.principal, s.privileges, resolveSecurable(ctx, s.on), ctx.session.user);
  return undefined;
}

export function revoke(ctx: StatementContext, s: Of<'revoke'>): undefined {
  ctx.metastore.revoke(s.principal, s.privileges, resolveSecurable(ctx, s.on));
  return undefined;
}
