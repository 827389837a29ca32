import { insufficientPermissions } from './errors.js';
import type { EffectiveGrant, GrantEntry, Metastore, ResolvedSecurable } from './metastore.js';
import { appliesTo, type SecurableType } from './privileges.js';

/** The group every account user and service principal belongs to, whether or not the seed lists it. */
export const ACCOUNT_USERS = 'account users';

/**
 * What one user may see and manage in the metastore, as Unity Catalog decides it.
 *
 * - Objects: "Both types of information schemas automatically filter results to include only the objects you have
 *   Unity Catalog privileges to access" (docs.databricks.com/sql/language-manual/sql-ref-information-schema.html).
 *   An object is visible to a metastore admin, to the owner of it or of the catalog or schema holding it, and to
 *   whoever holds any privilege on it, directly or inherited from its schema or catalog; BROWSE on the catalog
 *   shows every object in it. Nothing else is shown: a caller without any privilege gets no row at all.
 * - Grants in the `*_privileges` views: an admin and the owners above see every grant on a visible object; anyone
 *   else only their own (theirs or their groups'). "Currently, users with the MANAGE privilege on an object cannot
 *   view all grants for that object in the INFORMATION_SCHEMA. Instead, the INFORMATION_SCHEMA only shows their own
 *   grants on the object" (learn.microsoft.com/azure/databricks/sql/language-manual/information-schema/table_privileges).
 * - SHOW GRANTS, GRANT and REVOKE: "you must be its owner or have the MANAGE privilege on the object, as well as USE
 *   CATALOG on the object's parent catalog and USE SCHEMA on its parent schema", or an admin
 *   (docs.databricks.com/sql/language-manual/sql-ref-privileges.html, security-show-grant.html); SHOW GRANTS naming
 *   the caller itself needs none of it. The parents are checked before what lies below them is looked up, so a
 *   refusal says the caller may not look, never whether the object exists.
 */
export class Access {
  private readonly principals: Set<string>;
  readonly isAdmin: boolean;

  constructor(
    private readonly metastore: Metastore,
    readonly user: string,
  ) {
    const groups = [...metastore.principals.values()]
      .filter((p) => p.kind === 'group' && (p.members ?? []).includes(user))
      .map((p) => p.name);
    this.principals = new Set([user, ACCOUNT_USERS, ...groups]);
    this.isAdmin = [...this.principals].some((p) => metastore.admins.has(p));
  }

  /** Whether the grant was made to this user or to a group it belongs to. */
  isOwn(grant: Pick<GrantEntry, 'principal'>): boolean {
    return this.principals.has(grant.principal);
  }

  /** Owner of the object or of a catalog or schema above it. */
  ownsOrContains(on: ResolvedSecurable): boolean {
    return this.metastore.ownersAlong(on).some((owner) => this.principals.has(owner));
  }

  canSee(on: ResolvedSecurable): boolean {
    if (this.isAdmin || this.ownsOrContains(on)) return true;
    return this.metastore
      .effectiveGrants(on)
      .some(
        (g) =>
          this.isOwn(g) && (g.inheritedFrom === 'NONE' || g.privilege === 'BROWSE' || appliesTo(g.privilege, on.type)),
      );
  }

  /** The grants on a visible object that the `*_privileges` views show this user. */
  visibleGrants(on: ResolvedSecurable, grants: EffectiveGrant[]): EffectiveGrant[] {
    if (!this.canSee(on)) return [];
    if (this.isAdmin || this.ownsOrContains(on)) return grants;
    return grants.filter((g) => this.isOwn(g));
  }

  /**
   * Resolves `type path` for SHOW GRANTS, GRANT or REVOKE on it, refusing with INSUFFICIENT_PERMISSIONS where the
   * user may not manage its grants. `self`: SHOW GRANTS names the user itself.
   */
  authorize(type: SecurableType, path: readonly string[], self = false): ResolvedSecurable {
    if (this.isAdmin || self) return this.metastore.resolve(type, path);
    const catalog = this.metastore.resolve('CATALOG', path.slice(0, 1));
    if (type === 'CATALOG') return this.requireManage(catalog);
    this.require('USE CATALOG', catalog);
    const schema = this.metastore.resolve('SCHEMA', path.slice(0, 2));
    if (type === 'SCHEMA') return this.requireManage(schema);
    this.require('USE SCHEMA', schema);
    return this.requireManage(this.metastore.resolve(type, path));
  }

  /** Whether the user may use the catalog and schema on `path` (USE CATALOG and USE SCHEMA, or owning them). */
  mayUse(path: readonly [string, string]): boolean {
    const catalog = this.metastore.resolve('CATALOG', [path[0]]);
    const schema = this.metastore.resolve('SCHEMA', path);
    return (
      (this.ownsOrContains(catalog) || this.holds('USE CATALOG', catalog)) &&
      (this.ownsOrContains(schema) || this.holds('USE SCHEMA', schema))
    );
  }

  /** Holds `privilege` on the object, directly, through a group or inherited (ALL PRIVILEGES too, but for MANAGE). */
  holds(privilege: string, on: ResolvedSecurable): boolean {
    // ALL PRIVILEGES "does not include the EXTERNAL USE SCHEMA, EXTERNAL USE LOCATION or MANAGE privileges"
    // (docs.databricks.com/sql/language-manual/security-grant.html).
    const covering = privilege === 'MANAGE' ? ['MANAGE'] : [privilege, 'ALL PRIVILEGES'];
    return this.metastore.effectiveGrants(on).some((g) => this.isOwn(g) && covering.includes(g.privilege));
  }

  private require(privilege: string, on: ResolvedSecurable): void {
    if (this.ownsOrContains(on) || this.holds(privilege, on)) return;
    throw insufficientPermissions(privilege, on);
  }

  private requireManage(on: ResolvedSecurable): ResolvedSecurable {
    this.require('MANAGE', on);
    return on;
  }
}
