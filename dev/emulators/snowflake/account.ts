import { displayPath } from './identifiers.js';
import { PolicyStore } from './policy-store.js';
import type { Cell } from './result-set.js';
import type { ObjectType } from './statement.js';

/** The in-memory Snowflake account. Every name is a stored form: compare exactly, never case-insensitively. */

export interface Column {
  name: string;
  type: string;
  nullable: boolean;
  comment: string | null;
}
export interface TableObject {
  kind: 'TABLE' | 'VIEW';
  name: string;
  columns: Column[];
  createdOn: Date;
  comment: string | null;
  text: string | null;
  /** Rows by column name, from the catalog: what SELECT returns, through any masking and row access policy. */
  rows?: Record<string, Cell>[];
}
export interface Schema {
  name: string;
  createdOn: Date;
  tables: Map<string, TableObject>;
}
export interface Database {
  name: string;
  createdOn: Date;
  schemas: Map<string, Schema>;
}
export interface Role {
  name: string;
  createdOn: Date;
  comment: string | null;
}

export interface GrantRecord {
  privilege: string;
  on: { type: ObjectType; path: string[] };
  grantee: string; // role name
  grantedBy: string; // role that granted it
  grantOption: boolean;
  createdOn: Date;
}

export interface User {
  name: string;
  createdOn: Date;
  loginName: string;
  comment: string | null;
  /** Whether CREATE USER set a PASSWORD (SHOW USERS `has_password`). */
  hasPassword: boolean;
  defaultRole: string | null;
}

/** A role granted to a user or to another role (GRANT ROLE r TO USER u / TO ROLE r2). */
export interface RoleGrant {
  role: string;
  grantee: { type: 'USER' | 'ROLE'; name: string };
  grantedBy: string;
  createdOn: Date;
}

/** The shape tests assert on: `name` is the fully qualified name as SHOW GRANTS prints it. */
export interface GrantView {
  privilege: string;
  on: { type: ObjectType; name: string };
  to: string;
  grantedBy: string;
  grantOption: boolean;
}

/** The account's name, as CURRENT_ACCOUNT() and a grant ON ACCOUNT print it. */
export const ACCOUNT_NAME = 'EMU';

/** Roles every Snowflake account has. */
export const SYSTEM_ROLES = ['ACCOUNTADMIN', 'ORGADMIN', 'SECURITYADMIN', 'SYSADMIN', 'USERADMIN', 'PUBLIC'] as const;

export type Resolved =
  | { type: 'DATABASE'; path: [string]; database: Database }
  | { type: 'SCHEMA'; path: [string, string]; database: Database; schema: Schema }
  | { type: 'TABLE' | 'VIEW'; path: [string, string, string]; database: Database; schema: Schema; table: TableObject };

export class Account {
  readonly databases = new Map<string, Database>();
  readonly roles = new Map<string, Role>();
  readonly users = new Map<string, User>();
  private roleGrantList: RoleGrant[] = [];
  /** Masking and row access policies and their attachments. */
  readonly policies = new PolicyStore();
  /** Every grant, in the order given; a set, so a grant or revoke costs its object's grants, not the account's. */
  private grantList = new Set<GrantRecord>();
  /**
   * Global privileges (MANAGE GRANTS, APPLY MASKING POLICY, CREATE ROLE, ...) by role, granted ON ACCOUNT: SHOW GRANTS TO
   * ROLE lists them with `granted_on` ACCOUNT.
   */
  readonly accountGrants: { privilege: string; grantee: string; createdOn: Date }[] = [];
  /** Owning role by object key: SHOW and INFORMATION_SCHEMA print an owner per row, so this must not scan grants. */
  private owners = new Map<string, string>();
  /** Grants by object key: what a role may see is asked per object, so this must not scan grants either. */
  private byObject = new Map<string, GrantRecord[]>();

  constructor(readonly now: () => Date = () => new Date()) {
    for (const name of SYSTEM_ROLES) this.roles.set(name, { name, createdOn: this.now(), comment: null });
  }

  // Objects ---------------------------------------------------------------------------------------------------

  database(name: string): Database | undefined {
    return this.databases.get(name);
  }
  schema(db: string, schema: string): Schema | undefined {
    return this.databases.get(db)?.schemas.get(schema);
  }
  table(db: string, schema: string, name: string): TableObject | undefined {
    return this.schema(db, schema)?.tables.get(name);
  }

  /** Finds an object by type and full path, or undefined (TABLE and VIEW are distinct, as in GRANT ... ON). */
  resolve(type: ObjectType, path: readonly string[]): Resolved | undefined {
    const [d, s, t] = path;
    const database = d === undefined ? undefined : this.databases.get(d);
    if (!database) return undefined;
    if (type === 'DATABASE') return path.length === 1 ? { type, path: [d!], database } : undefined;
    const schema = s === undefined ? undefined : database.schemas.get(s);
    if (!schema) return undefined;
    if (type === 'SCHEMA') return path.length === 2 ? { type, path: [d!, s!], database, schema } : undefined;
    const table = t === undefined ? undefined : schema.tables.get(t);
    if (!table || table.kind !== type || path.length !== 3) return undefined;
    return { type, path: [d!, s!, t!], database, schema, table };
  }

  addDatabase(name: string): Database {
    const db: Database = { name, createdOn: this.now(), schemas: new Map() };
    this.databases.set(name, db);
    return db;
  }
  addSchema(db: Database, name: string): Schema {
    const schema: Schema = { name, createdOn: this.now(), tables: new Map() };
    db.schemas.set(name, schema);
    return schema;
  }
  addTable(schema: Schema, table: Omit<TableObject, 'createdOn'>): TableObject {
    const t: TableObject = { ...table, createdOn: this.now() };
    schema.tables.set(t.name, t);
    return t;
  }

  /** Drops a database, schema, table or view by path (whatever exists at that depth) and every grant on or below it. */
  drop(path: readonly string[]): boolean {
    const [d, s, t] = path;
    let dropped = false;
    if (path.length === 1 && d !== undefined) dropped = this.databases.delete(d);
    else if (path.length === 2 && d !== undefined && s !== undefined)
      dropped = this.databases.get(d)?.schemas.delete(s) ?? false;
    else if (path.length === 3 && d !== undefined && s !== undefined && t !== undefined)
      dropped = this.schema(d, s)?.tables.delete(t) ?? false;
    if (dropped) {
      this.grantList = new Set([...this.grantList].filter((g) => !startsWith(g.on.path, path)));
      this.reindex();
    }
    return dropped;
  }

  // Roles -----------------------------------------------------------------------------------------------------

  role(name: string): Role | undefined {
    return this.roles.get(name);
  }
  addRole(name: string, comment: string | null = null): Role {
    const role: Role = { name, createdOn: this.now(), comment };
    this.roles.set(name, role);
    return role;
  }
  dropRole(name: string): void {
    this.roles.delete(name);
    this.grantList = new Set([...this.grantList].filter((g) => g.grantee !== name));
    // A dropped role leaves every hierarchy it was part of, both as the role granted and as a grantee.
    this.roleGrantList = this.roleGrantList.filter(
      (g) => g.role !== name && !(g.grantee.type === 'ROLE' && g.grantee.name === name),
    );
    this.reindex();
  }

  // Users and role hierarchy ------------------------------------------------------------------------------------

  user(name: string): User | undefined {
    return this.users.get(name);
  }
  addUser(name: string, props: Partial<Omit<User, 'name' | 'createdOn'>> = {}): User {
    const user: User = {
      name,
      createdOn: this.now(),
      loginName: props.loginName ?? name.toUpperCase(),
      comment: props.comment ?? null,
      hasPassword: props.hasPassword ?? false,
      defaultRole: props.defaultRole ?? null,
    };
    this.users.set(name, user);
    return user;
  }

  /** Grants a role to a user or role; granting one already held changes nothing, as in Snowflake. */
  grantRole(role: string, grantee: RoleGrant['grantee'], grantedBy: string): void {
    if (this.roleGrantList.some((g) => g.role === role && sameGrantee(g.grantee, grantee))) return;
    this.roleGrantList.push({ role, grantee: { ...grantee }, grantedBy, createdOn: this.now() });
  }

  /** Revokes a role from a user or role; revoking one not held succeeds silently. */
  revokeRole(role: string, grantee: RoleGrant['grantee']): void {
    this.roleGrantList = this.roleGrantList.filter((g) => !(g.role === role && sameGrantee(g.grantee, grantee)));
  }

  /** Whether `role` is `of` or holds it through the roles granted to it: granting `role` to `of` would close a cycle. */
  inherits(role: string, of: string): boolean {
    const seen = new Set<string>();
    const below = [role];
    for (let r = below.pop(); r !== undefined; r = below.pop()) {
      if (r === of) return true;
      if (seen.has(r)) continue;
      seen.add(r);
      for (const g of this.roleGrantList) if (g.grantee.type === 'ROLE' && g.grantee.name === r) below.push(g.role);
    }
    return false;
  }

  /** Role grants, for SHOW GRANTS OF ROLE / TO USER / TO ROLE and for assertions. */
  roleGrants(filter?: (g: RoleGrant) => boolean): RoleGrant[] {
    return filter ? this.roleGrantList.filter(filter) : [...this.roleGrantList];
  }

  // Grants ----------------------------------------------------------------------------------------------------

  /** Adds a grant; a privilege already held is a no-op (as in Snowflake), except that it can gain the grant option. */
  grant(g: Omit<GrantRecord, 'createdOn'>): void {
    const existing = this.grantsOnObject(g.on.type, g.on.path).find((x) => sameGrant(x, g));
    if (existing) {
      existing.grantOption ||= g.grantOption;
      return;
    }
    const record = { ...g, on: { type: g.on.type, path: [...g.on.path] }, createdOn: this.now() };
    this.grantList.add(record);
    const key = objectKey(g.on.type, g.on.path);
    this.byObject.set(key, [...(this.byObject.get(key) ?? []), record]);
    if (g.privilege === 'OWNERSHIP') this.owners.set(objectKey(g.on.type, g.on.path), g.grantee);
  }

  /** Removes a grant; revoking a privilege that is not held succeeds silently, as in Snowflake. */
  revoke(
    g: { privilege: string; on: { type: ObjectType; path: readonly string[] }; grantee: string },
    grantOptionOnly = false,
  ): void {
    if (grantOptionOnly) {
      for (const x of this.grantsOnObject(g.on.type, g.on.path)) if (sameGrant(x, g)) x.grantOption = false;
      return;
    }
    for (const x of this.grantsOnObject(g.on.type, g.on.path)) if (sameGrant(x, g)) this.grantList.delete(x);
    const key = objectKey(g.on.type, g.on.path);
    this.byObject.set(
      key,
      (this.byObject.get(key) ?? []).filter((x) => !sameGrant(x, g)),
    );
    if (g.privilege === 'OWNERSHIP' && this.owners.get(objectKey(g.on.type, g.on.path)) === g.grantee)
      this.owners.delete(objectKey(g.on.type, g.on.path));
  }

  private reindex(): void {
    this.owners = new Map(
      [...this.grantList]
        .filter((g) => g.privilege === 'OWNERSHIP')
        .map((g) => [objectKey(g.on.type, g.on.path), g.grantee]),
    );
    this.byObject = new Map();
    for (const g of this.grantList) {
      const key = objectKey(g.on.type, g.on.path);
      this.byObject.set(key, [...(this.byObject.get(key) ?? []), g]);
    }
  }

  /** The owning role of an object, from its OWNERSHIP grant. */
  owner(type: ObjectType, path: readonly string[]): string {
    return this.owners.get(objectKey(type, path)) ?? '';
  }

  /** The grants on one object. */
  grantsOnObject(type: ObjectType, path: readonly string[]): readonly GrantRecord[] {
    return this.byObject.get(objectKey(type, path)) ?? [];
  }

  grantRecords(filter?: (g: GrantRecord) => boolean): GrantRecord[] {
    return filter ? [...this.grantList].filter(filter) : [...this.grantList];
  }

  /** Every grant in the account, for assertions: `grants().filter((g) => g.on.name === 'SALES.PUBLIC.ORDERS')`. */
  grants(): GrantView[] {
    return [...this.grantList].map((g) => ({
      privilege: g.privilege,
      on: { type: g.on.type, name: displayPath(g.on.path) },
      to: g.grantee,
      grantedBy: g.grantedBy,
      grantOption: g.grantOption,
    }));
  }

  /** Grants on one object, by its fully qualified name (`SALES.PUBLIC."Mixed"`) as a SHOW GRANTS `name`. */
  grantsOn(name: string): GrantView[] {
    return this.grants().filter((g) => g.on.name === name);
  }
}

function sameGrantee(a: RoleGrant['grantee'], b: RoleGrant['grantee']): boolean {
  return a.type === b.type && a.name === b.name;
}
function objectKey(type: ObjectType, path: readonly string[]): string {
  return `${type}\u0000${path.join('\u0000')}`;
}
function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}
function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return path.length >= prefix.length && prefix.every((x, k) => x === path[k]);
}
function sameGrant(
  a: { privilege: string; on: { type: ObjectType; path: readonly string[] }; grantee: string },
  b: { privilege: string; on: { type: ObjectType; path: readonly string[] }; grantee: string },
): boolean {
  return (
    a.privilege === b.privilege && a.grantee === b.grantee && a.on.type === b.on.type && samePath(a.on.path, b.on.path)
  );
}
