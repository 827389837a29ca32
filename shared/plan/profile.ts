import type { Principal, Securable, SecurableKind } from '../connectors/securable.js';
import type { ServiceDef } from '../policy/service-defs.js';
import type { ResourceRef } from '../task/request.js';

export type RangerPrincipalType = 'user' | 'group' | 'role';

/** What the planner needs to know of a warehouse, without knowing its SQL. */
export interface WarehouseProfile {
  /** The Ranger service definition policies are evaluated against; `policyResource` uses its resource keys. */
  readonly serviceDef: ServiceDef;
  /** The kind of a top-level container (`database`, `catalog`): what a parent at depth 1 is. */
  readonly containerKind: SecurableKind;
  /** Privileges an access type means on a kind of securable; empty when it means nothing there. */
  privilegesFor(accessType: string, kind: SecurableKind): string[];
  /** The privilege a principal needs on an ancestor to reach what is below it (Snowflake USAGE, UC USE ...). */
  parentPrivilege(kind: SecurableKind): string | undefined;
  /** The warehouse principal a Ranger user, group or role maps to. */
  principalFor(type: RangerPrincipalType, name: string): Principal;
  /** The stored names a request's resource resolves to (a column request: its table's), without asking the warehouse. */
  resourcePath(ref: ResourceRef): string[];
  /** The securable as Ranger resource values (`{database, schema, table}` or `{catalog, schema, table}`). */
  policyResource(s: Securable): Record<string, string>;
  /** Every privilege the profile can grant: the default managed list. */
  readonly privileges: readonly string[];
}
