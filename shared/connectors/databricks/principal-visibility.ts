import type { PrincipalVisibility } from '../membership-port.js';
import type { Principal } from '../securable.js';
import type { DatabricksStatements } from './statements.js';

/**
 * Which principals Unity Catalog's SQL can see: SHOW USERS and SHOW GROUPS list the workspace's users and groups
 * (docs.databricks.com/en/sql/language-manual/security-show-users.html, security-show-groups.html; Databricks SQL
 * and Runtime 13.3 LTS and above), one `name` column each, matched exactly as Unity Catalog matches principals.
 * Service principals appear in neither, so they cannot be verified over SQL. Memberships themselves live at the
 * account level (SCIM) and are never changed from here.
 */
export class DatabricksPrincipalVisibility implements PrincipalVisibility {
  readonly remedy =
    'add it to the Databricks account (SCIM provisioning or the account console) and assign it to this workspace';

  constructor(private readonly session: DatabricksStatements) {}

  async check(principals: readonly Principal[]): Promise<{ missing: Principal[]; unverifiable: Principal[] }> {
    const kinds = new Set(principals.map((p) => p.kind));
    const [users, groups] = await Promise.all([
      kinds.has('user') ? this.names('SHOW USERS') : new Set<string>(),
      kinds.has('group') ? this.names('SHOW GROUPS') : new Set<string>(),
    ]);
    const missing: Principal[] = [];
    const unverifiable: Principal[] = [];
    for (const p of principals) {
      if (p.kind === 'user' ? !users.has(p.name) : p.kind === 'group' ? !groups.has(p.name) : false) missing.push(p);
      else if (p.kind !== 'user' && p.kind !== 'group') unverifiable.push(p);
    }
    return { missing, unverifiable };
  }

  private async names(sql: string): Promise<Set<string>> {
    const rows = await this.session.query(sql);
    // Column names are read case-insensitively, as every Databricks result here.
    return new Set(rows.map((r) => String(Object.entries(r).find(([k]) => k.toLowerCase() === 'name')?.[1] ?? '')));
  }
}
