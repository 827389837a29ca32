import {
  catalogNotFound,
  expectViewNotTable,
  principalNotFound,
  privilegeNotApplicable,
  routineNotFound,
  schemaNotFound,
  tableNotFound,
  unknownPrivilege,
  volumeNotFound,
} from './errors.js';
import { appliesTo, canonicalPrivilege, isKnownPrivilege, type SecurableType } from './privileges.js';
import type { DatabricksSeed } from './seed.js';
import { parseQualifiedName } from './sql/parse.js';

export type { SecurableType } from './privileges.js';
export interface ColumnEntry {
  name: string;
  type: string;
}
export interface TableEntry {
  name: string;
  kind: 'TABLE' | 'VIEW';
  owner: string;
  columns: ColumnEntry[];
  /** Seeded rows by column name; SELECT reads them through masks and row filters. */
  rows?: Record<string, string | number | boolean | null>[];
}
export interface LeafEntry {
  name: string;
  owner: string;
}
export interface SchemaEntry {
  name: string;
  owner: string;
  tables: Map<string, TableEntry>;
  functions: Map<string, LeafEntry>;
  volumes: Map<string, LeafEntry>;
  /** Registered models: FUNCTION securables beside the functions (one name space). */
  models: Map<string, LeafEntry>;
}
export interface CatalogEntry {
  name: string;
  owner: string;
  schemas: Map<string, SchemaEntry>;
}
export type PrincipalKind = 'user' | 'group' | 'service_principal';
export interface PrincipalEntry {
  kind: PrincipalKind;
  name: string;
  members?: string[];
}

/** Where a grant sits: views are table securables in Unity Catalog, so `TABLE` covers both; models are functions. */
export type GrantObjectType = 'CATALOG' | 'SCHEMA' | 'TABLE' | 'FUNCTION' | 'VOLUME';
export interface GrantEntry {
  objectType: GrantObjectType;
  path: string[];
  principal: string;
  privilege: string;
  grantor: string;
}
/** A grant that affects an object, with the ancestor it was made on when it is inherited. */
export interface EffectiveGrant extends GrantEntry {
  inheritedFrom: 'NONE' | 'CATALOG' | 'SCHEMA';
}

/** A resolved securable: stored (lower-case) names and, for tables, whether it is a view. */
export interface ResolvedSecurable {
  type: SecurableType;
  objectType: GrantObjectType;
  path: string[];
}

// Unity Catalog stores object names in lower case; a backquoted name keeps its characters but not its case.
const fold = (part: string) => part.toLowerCase();
const keyOf = (objectType: GrantObjectType, path: readonly string[]) => `${objectType}\u0000${path.join('\u0000')}`;

/**
 * The in-memory Unity Catalog: objects, owners, principals and direct grants. Statements and tests both go
 * through it; every refusal is the DatabricksSqlError Databricks would raise.
 */
export class Metastore {
  readonly catalogs = new Map<string, CatalogEntry>();
  readonly principals = new Map<string, PrincipalEntry>();
  /** Metastore admins (users or groups): they see every object and grant, and manage every grant. */
  readonly admins: Set<string>;
  private readonly grantsByObject = new Map<string, GrantEntry[]>();

  constructor(
    seed: DatabricksSeed,
    readonly adminUser = 'admin@example.com',
    admins: readonly string[] = [adminUser],
  ) {
    this.admins = new Set(admins);
    for (const c of seed.catalogs) {
      const catalog: CatalogEntry = { name: fold(c.name), owner: c.owner, schemas: new Map() };
      for (const s of c.schemas) {
        const owner = s.owner ?? c.owner;
        const schema: SchemaEntry = {
          name: fold(s.name),
          owner,
          tables: new Map(),
          functions: new Map(),
          volumes: new Map(),
          models: new Map(),
        };
        for (const t of s.tables) {
          schema.tables.set(fold(t.name), {
            name: fold(t.name),
            kind: t.kind,
            owner: t.owner ?? owner,
            columns: t.columns,
            rows: t.rows,
          });
        }
        for (const f of s.functions)
          schema.functions.set(fold(f.name), { name: fold(f.name), owner: f.owner ?? owner });
        for (const v of s.volumes) schema.volumes.set(fold(v.name), { name: fold(v.name), owner: v.owner ?? owner });
        for (const m of s.models) schema.models.set(fold(m.name), { name: fold(m.name), owner: m.owner ?? owner });
        catalog.schemas.set(schema.name, schema);
      }
      this.catalogs.set(catalog.name, catalog);
    }
    for (const p of seed.principals) this.principals.set(p.name, { kind: p.kind, name: p.name, members: p.members });
    for (const g of seed.grants) {
      try {
        const on = this.resolve(g.on.type, parseQualifiedName(g.on.name));
        this.grant(g.principal, [g.privilege], on, this.ownerOf(on));
      } catch (error) {
        throw new Error(
          `seed grant ${g.privilege} on ${g.on.type} ${g.on.name} to ${g.principal}: ${(error as Error).message}`,
        );
      }
    }
  }

  catalog(name: string): CatalogEntry {
    const catalog = this.catalogs.get(fold(name));
    if (!catalog) throw catalogNotFound(fold(name));
    return catalog;
  }

  schema(path: readonly string[]): SchemaEntry {
    const [c, s] = path.map(fold) as [string, string];
    const schema = this.catalog(c).schemas.get(s);
    if (!schema) throw schemaNotFound([c, s]);
    return schema;
  }

  /** A missing catalog or schema on the way is reported as the table not being found, as Databricks does. */
  table(path: readonly string[]): TableEntry {
    const folded = path.map(fold);
    const table = this.catalogs.get(folded[0]!)?.schemas.get(folded[1]!)?.tables.get(folded[2]!);
    if (!table) throw tableNotFound(folded);
    return table;
  }

  /** Resolves a fully qualified securable (catalog: 1 part, schema: 2, table or view: 3). */
  resolve(type: SecurableType, path: readonly string[]): ResolvedSecurable {
    const folded = path.map(fold);
    if (type === 'CATALOG') {
      this.catalog(folded[0]!);
      return { type, objectType: 'CATALOG', path: folded };
    }
    if (type === 'SCHEMA') {
      this.schema(folded);
      return { type, objectType: 'SCHEMA', path: folded };
    }
    if (type === 'FUNCTION' || type === 'VOLUME') {
      this.leaf(type, folded);
      return { type, objectType: type, path: folded };
    }
    const table = this.table(folded);
    if (type === 'VIEW' && table.kind !== 'VIEW') throw expectViewNotTable(folded);
    return { type: table.kind, objectType: 'TABLE', path: folded };
  }

  /** A function (or registered model) or a volume; a missing catalog or schema on the way is the object missing. */
  leaf(type: 'FUNCTION' | 'VOLUME', path: readonly string[]): LeafEntry {
    const folded = path.map(fold);
    const schema = this.catalogs.get(folded[0]!)?.schemas.get(folded[1]!);
    const name = folded[2]!;
    const found =
      type === 'VOLUME' ? schema?.volumes.get(name) : (schema?.functions.get(name) ?? schema?.models.get(name));
    if (!found) throw type === 'VOLUME' ? volumeNotFound(folded) : routineNotFound(folded);
    return found;
  }

  ownerOf(on: ResolvedSecurable): string {
    if (on.objectType === 'CATALOG') return this.catalog(on.path[0]!).owner;
    if (on.objectType === 'SCHEMA') return this.schema(on.path).owner;
    if (on.objectType === 'FUNCTION' || on.objectType === 'VOLUME') return this.leaf(on.objectType, on.path).owner;
    return this.table(on.path).owner;
  }

  /** The owners of a resolved object and of the catalog and schema holding it. */
  ownersAlong(on: ResolvedSecurable): string[] {
    const [c, s] = on.path;
    return [
      this.catalog(c!).owner,
      ...(on.path.length > 1 ? [this.schema([c!, s!]).owner] : []),
      ...(on.path.length > 2 ? [this.ownerOf(on)] : []),
    ];
  }

  principal(name: string): PrincipalEntry {
    const principal = this.principals.get(name);
    if (!principal) throw principalNotFound(name);
    return principal;
  }

  /** Validates every privilege first, then the principal: a refused statement changes nothing. */
  private checked(principal: string, privileges: readonly string[], on: ResolvedSecurable): string[] {
    const canonical = privileges.map(canonicalPrivilege);
    for (const p of canonical) {
      if (!isKnownPrivilege(p)) throw unknownPrivilege(p);
      if (!appliesTo(p, on.type)) throw privilegeNotApplicable(p, on.path.join('.'), on.objectType);
    }
    this.principal(principal);
    return canonical;
  }

  /** Adds direct grants; granting a privilege already held is a no-op, as in Databricks. */
  grant(principal: string, privileges: readonly string[], on: ResolvedSecurable, grantor = this.adminUser): void {
    const list = this.grantsByObject.get(keyOf(on.objectType, on.path)) ?? [];
    for (const privilege of this.checked(principal, privileges, on)) {
      if (list.some((g) => g.principal === principal && g.privilege === privilege)) continue;
      list.push({ objectType: on.objectType, path: [...on.path], principal, privilege, grantor });
    }
    this.grantsByObject.set(keyOf(on.objectType, on.path), list);
  }

  /** Removes direct grants; revoking a privilege not held is a no-op. Inherited grants are untouched. */
  revoke(principal: string, privileges: readonly string[], on: ResolvedSecurable): void {
    const canonical = this.checked(principal, privileges, on);
    const key = keyOf(on.objectType, on.path);
    const kept = (this.grantsByObject.get(key) ?? []).filter(
      (g) => !(g.principal === principal && canonical.includes(g.privilege)),
    );
    this.grantsByObject.set(key, kept);
  }

  /** Grants made on the object itself. */
  directGrants(on: ResolvedSecurable): GrantEntry[] {
    return [...(this.grantsByObject.get(keyOf(on.objectType, on.path)) ?? [])];
  }

  /** Direct grants, then those made on the schema and the catalog above it. */
  effectiveGrants(on: ResolvedSecurable): EffectiveGrant[] {
    const own = this.directGrants(on).map((g) => ({ ...g, inheritedFrom: 'NONE' as const }));
    const fromSchema =
      on.path.length === 3
        ? (this.grantsByObject.get(keyOf('SCHEMA', on.path.slice(0, 2))) ?? []).map((g) => ({
            ...g,
            inheritedFrom: 'SCHEMA' as const,
          }))
        : [];
    const fromCatalog =
      on.objectType === 'CATALOG'
        ? []
        : (this.grantsByObject.get(keyOf('CATALOG', on.path.slice(0, 1))) ?? []).map((g) => ({
            ...g,
            inheritedFrom: 'CATALOG' as const,
          }));
    return [...own, ...fromSchema, ...fromCatalog];
  }

  /** Every direct grant in the metastore. */
  allGrants(): GrantEntry[] {
    return [...this.grantsByObject.values()].flat();
  }

  /** Test helper: the direct grants on `type name` (name dotted, e.g. `main.sales.orders`). */
  grantsOn(type: SecurableType, name: string): { principal: string; privilege: string }[] {
    return this.directGrants(this.resolve(type, parseQualifiedName(name))).map(({ principal, privilege }) => ({
      principal,
      privilege,
    }));
  }

  /** Test helper: whether `principal` holds `privilege` directly on `type name`. */
  hasGrant(principal: string, privilege: string, type: SecurableType, name: string): boolean {
    const canonical = canonicalPrivilege(privilege);
    return this.grantsOn(type, name).some((g) => g.principal === principal && g.privilege === canonical);
  }

  /**
   * Removes an object and everything below it, with their grants (dotted name: 1 part a catalog, 2 a schema,
   * 3 a table or view). Returns false when there was nothing to drop.
   */
  drop(name: string): boolean {
    const path = parseQualifiedName(name).map(fold);
    const prefix = path.join('\u0000');
    const removed =
      path.length === 1
        ? this.catalogs.delete(path[0]!)
        : path.length === 2
          ? (this.catalogs.get(path[0]!)?.schemas.delete(path[1]!) ?? false)
          : (this.catalogs.get(path[0]!)?.schemas.get(path[1]!)?.tables.delete(path[2]!) ?? false);
    if (!removed) return false;
    for (const key of [...this.grantsByObject.keys()]) {
      const objectPath = key.slice(key.indexOf('\u0000') + 1);
      if (objectPath === prefix || objectPath.startsWith(`${prefix}\u0000`)) this.grantsByObject.delete(key);
    }
    return true;
  }
}
