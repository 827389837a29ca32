import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Account } from './account.js';
import { parseQualifiedName } from './qualified-name.js';
import type { ObjectType } from './statement.js';

/**
 * The JSON catalog an emulator starts from. Object names (`databases[].name`, `tables[].name`, ...) are stored
 * names, taken literally (`"Mixed Case"` is a table called Mixed Case); a grant's `on.name` is a fully qualified
 * SQL name and follows identifier rules (`SALES.PUBLIC.ORDERS`, `SALES.PUBLIC."Mixed Case"`).
 */
const column = z.object({
  name: z.string().min(1),
  type: z.string().min(1).default('VARCHAR'),
  nullable: z.boolean().default(true),
  comment: z.string().nullable().default(null),
});
const table = z.object({
  name: z.string().min(1),
  kind: z.enum(['TABLE', 'VIEW']).default('TABLE'),
  columns: z.array(column).default([]),
  comment: z.string().nullable().default(null),
  text: z.string().nullable().default(null), // a view's definition
  /** Rows by column name (dates as 'YYYY-MM-DD'): what SELECT returns, through masks and row access policies. */
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))).default([]),
});
const schema = z.object({ name: z.string().min(1), tables: z.array(table).default([]) });
const database = z.object({ name: z.string().min(1), schemas: z.array(schema).default([]) });
const grant = z.object({
  privilege: z
    .string()
    .min(1)
    .transform((p) => p.toUpperCase().trim().replace(/\s+/g, ' ')),
  on: z.object({ type: z.enum(['DATABASE', 'SCHEMA', 'TABLE', 'VIEW']), name: z.string().min(1) }),
  to: z.string().min(1),
  grantedBy: z.string().min(1).optional(),
  grantOption: z.boolean().default(false),
});

export const snowflakeCatalogSchema = z.object({
  databases: z.array(database).default([]),
  roles: z.array(z.object({ name: z.string().min(1), comment: z.string().nullable().default(null) })).default([]),
  grants: z.array(grant).default([]),
  /** Global privileges, as `GRANT <privilege> ON ACCOUNT TO ROLE <to>` gives them. */
  accountGrants: z.array(z.object({ privilege: grant.shape.privilege, to: z.string().min(1) })).default([]),
  users: z.array(z.object({ name: z.string().min(1), comment: z.string().nullable().default(null) })).default([]),
  /** Roles granted to users and to roles (stored names). */
  roleGrants: z
    .array(
      z.object({ role: z.string().min(1), to: z.object({ type: z.enum(['USER', 'ROLE']), name: z.string().min(1) }) }),
    )
    .default([]),
});

export type SnowflakeCatalog = z.input<typeof snowflakeCatalogSchema>;

const DEPTH: Record<ObjectType, number> = { DATABASE: 1, SCHEMA: 2, TABLE: 3, VIEW: 3 };

/** Builds an account from a catalog object or a JSON file path; throws naming every problem. */
export async function loadCatalog(catalog: SnowflakeCatalog | string, now?: () => Date): Promise<Account> {
  const raw: unknown = typeof catalog === 'string' ? JSON.parse(await readFile(catalog, 'utf8')) : catalog;
  const parsed = snowflakeCatalogSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `invalid Snowflake emulator catalog:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const account = new Account(now);
  const c = parsed.data;
  for (const d of c.databases) {
    const db = account.addDatabase(d.name);
    for (const s of d.schemas) {
      const sc = account.addSchema(db, s.name);
      for (const t of s.tables) account.addTable(sc, t);
    }
  }
  for (const r of c.roles) if (!account.role(r.name)) account.addRole(r.name, r.comment);
  const problems: string[] = [];
  c.grants.forEach((g, k) => {
    let path: string[];
    try {
      path = parseQualifiedName(g.on.name);
    } catch (e) {
      problems.push(`grants.${k}.on.name: ${(e as Error).message}`);
      return;
    }
    const before = problems.length;
    if (path.length !== DEPTH[g.on.type] || !account.resolve(g.on.type, path))
      problems.push(`grants.${k}.on: no ${g.on.type} ${g.on.name} in the catalog`);
    if (!account.role(g.to)) problems.push(`grants.${k}.to: no role ${g.to} in the catalog`);
    if (problems.length > before) return;
    account.grant({
      privilege: g.privilege,
      on: { type: g.on.type, path },
      grantee: g.to,
      grantedBy: g.grantedBy ?? 'SYSADMIN',
      grantOption: g.grantOption,
    });
  });
  for (const u of c.users) if (!account.user(u.name)) account.addUser(u.name, { comment: u.comment });
  c.roleGrants.forEach((g, k) => {
    if (!account.role(g.role)) problems.push(`roleGrants.${k}.role: no role ${g.role} in the catalog`);
    else if (g.to.type === 'ROLE' ? !account.role(g.to.name) : !account.user(g.to.name))
      problems.push(`roleGrants.${k}.to: no ${g.to.type.toLowerCase()} ${g.to.name} in the catalog`);
    else account.grantRole(g.role, g.to, 'USERADMIN');
  });
  c.accountGrants.forEach((g, k) => {
    if (!account.role(g.to)) problems.push(`accountGrants.${k}.to: no role ${g.to} in the catalog`);
    else account.accountGrants.push({ privilege: g.privilege, grantee: g.to, createdOn: account.now() });
  });
  if (problems.length > 0)
    throw new Error(`invalid Snowflake emulator catalog:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return account;
}
