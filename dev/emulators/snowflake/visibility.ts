import type { Account } from './account.js';
import type { ObjectType } from './statement.js';

/**
 * What a role may see, as Snowflake decides it. INFORMATION_SCHEMA views "only display objects for which the current
 * role for the session has been granted access privileges" (docs.snowflake.com/en/sql-reference/info-schema/
 * table_privileges, usage notes): some privilege on the object itself (OWNERSHIP included), held by the role or by a
 * role granted to it. Account-level privileges do not count there: until the 2026_07 bundle (release note bcr-2416)
 * the views ignore MANAGE GRANTS, while SHOW GRANTS ON <object> honours it.
 */
export class Sight {
  private readonly roles: Set<string>;

  constructor(
    private readonly account: Account,
    role: string,
  ) {
    this.roles = new Set([...account.roles.keys()].filter((r) => account.inherits(role, r)));
  }

  /**
   * Whether the role holds any privilege on the object. One the catalog gives no OWNERSHIP grant belongs to
   * SYSADMIN, the role Snowflake recommends creating objects with.
   */
  sees(type: ObjectType, path: readonly string[]): boolean {
    const on = this.account.grantsOnObject(type, path);
    if (on.some((g) => this.roles.has(g.grantee))) return true;
    return !on.some((g) => g.privilege === 'OWNERSHIP') && this.roles.has(DEFAULT_OWNER);
  }

  /** Whether the role holds MANAGE GRANTS on the account, itself or through the roles granted to it. */
  managesGrants(): boolean {
    return this.account.accountGrants.some((g) => g.privilege === 'MANAGE GRANTS' && this.roles.has(g.grantee));
  }

  /** What SHOW GRANTS ON <object> answers for: an object the role may see, or any object when it manages grants. */
  mayShowGrantsOn(type: ObjectType, path: readonly string[]): boolean {
    return this.managesGrants() || this.sees(type, path);
  }
}

/** The owner of an object the catalog gives no OWNERSHIP grant. */
export const DEFAULT_OWNER = 'SYSADMIN';
