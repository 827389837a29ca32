import type { Connector } from '../connectors/connector.js';
import { mapName, type PrincipalNaming } from '../connectors/principal-names.js';
import { type DesiredMemberships, desiredMemberships, type MembershipNaming } from '../plan/membership-plan.js';
import { type PrincipalScopeSettings, principalScope } from '../plan/principal-scope.js';
import type { WarehouseProfile } from '../plan/profile.js';
import {
  type Memberships,
  membershipsOf,
  type PrincipalSource,
  type UserStoreSnapshot,
} from '../principals/user-store.js';

/** What a PRINCIPAL_SYNC needs besides the warehouse: where principals come from, the scope, the naming rules. */
export interface PrincipalSyncDeps {
  /** Undefined when no source is configured: the task then fails saying which setting to set. */
  source: PrincipalSource | undefined;
  scope: PrincipalScopeSettings;
  naming: PrincipalNaming;
}

/** Everything a principal task reads once and its rows share. */
export interface PrincipalContext {
  connector: Connector;
  profile: WarehouseProfile;
  snapshot: UserStoreSnapshot;
  memberships: Memberships;
  desired: DesiredMemberships;
  naming: MembershipNaming;
  /** Whether the sync may change this warehouse role or user. */
  manages: (name: string) => boolean;
  dryRun: boolean;
}

/**
 * A group or role becomes the role the profile names for it (the templates and case rules every grant uses); a
 * user becomes the warehouse user of its name in the configured case.
 */
export async function principalContext(
  snapshot: UserStoreSnapshot,
  deps: PrincipalSyncDeps,
  connector: Connector,
  profile: WarehouseProfile,
  dryRun: boolean,
): Promise<PrincipalContext> {
  const naming: MembershipNaming = {
    role: (p) => profile.principalFor(p.type, p.name).name,
    user: (name) => mapName(name, deps.naming),
  };
  return {
    connector,
    profile,
    snapshot,
    memberships: membershipsOf(snapshot.store),
    desired: desiredMemberships(snapshot.store, naming),
    naming,
    manages: principalScope(deps.scope, await connector.identity()),
    dryRun,
  };
}
