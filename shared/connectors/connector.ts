import type { Check } from '../doctor/check.js';
import type { ResourceRef } from '../task/request.js';
import type { LoadedResource } from './loaded-resource.js';
import type { MaskingPort } from './masking-port.js';
import type { MembershipPort, PrincipalVisibility } from './membership-port.js';
import type { PlanStep } from './plan-step.js';
import type { Principal } from './securable.js';
import type { SchemaPart } from './table-range.js';

export interface StatementOutcome {
  step: PlanStep;
  sql: string;
  ok: boolean;
  error?: string;
  code?: string;
}

/** What every warehouse does: load what a request names with its grants, apply a plan, say who it acts as. */
export interface Connector {
  /** The connector kind (CONNECTOR_KIND), for messages. */
  readonly kind: string;
  /** `part`: for a schema ref, a slice of its tables or its own part only (table-range.ts); ignored otherwise. */
  load(ref: ResourceRef, part?: SchemaPart): Promise<LoadedResource | 'not_found'>;
  apply(steps: PlanStep[]): Promise<StatementOutcome[]>;
  /**
   * The principals the connector itself acts as in the warehouse: no plan ever grants or revokes anything to
   * them, whatever the policies, the drift or IGNORE_ROLES say (taking our own privileges away would end the
   * sync; granting ourselves more would let a policy widen what the service can reach).
   */
  identity(): Promise<Principal[]>;
  close(): Promise<void>;
  /** What this warehouse can do beyond that, declared here once; the pipeline uses what is declared and nothing else. */
  readonly capabilities: Capabilities;
}

export interface Capabilities {
  /**
   * The containers below a database or catalog (its schemas), synced one after another after the database
   * itself, so a sync holds one container's objects at a time. Absent: `load` returns the whole tree.
   */
  readonly children?: (ref: ResourceRef) => Promise<ResourceRef[]>;
  /**
   * The tables and views of a database or catalog (a `database`/`catalog` ref) or of one of its schemas (a `schema`
   * ref), from one listing query: the objects a policy pattern with a wildcard or an exclusion can reach there.
   * Names come back quoted so that they read back exactly. Absent: such a pattern syncs its whole container.
   */
  readonly tables?: (container: ResourceRef) => Promise<ResourceRef[]>;
  /**
   * How many tables and views each schema of a database or catalog holds, from one grouped query, keyed by the
   * schema's stored name: how a fan-out knows which schemas to cut into slices (UNIT_MAX_TABLES) without listing
   * every schema's tables. With it, `tables` of a schema lists its names in the warehouse's order.
   */
  readonly tableCounts?: (container: ResourceRef) => Promise<Map<string, number>>;
  /** Every top-level container (database or catalog) a scheduled full sync covers. Absent: no full sync. */
  readonly containers?: () => Promise<ResourceRef[]>;
  /**
   * The principals that exist, where the warehouse can list them: grants to missing ones are then reported
   * instead of failing. Absent where it cannot (Unity Catalog over SQL): GRANT reports a missing principal.
   */
  readonly principals?: PrincipalDirectory;
  /** Native masking policies and row filters, where the connector syncs them. */
  readonly masking?: MaskingPort;
  /** `policysync doctor`'s warehouse checks (privileges, visibility, governance schema), read-only, each with its fix. */
  readonly diagnose?: () => Promise<Check[]>;
  /** Roles and who holds them, where the warehouse lets a sync manage them (PRINCIPAL_SYNC). */
  readonly memberships?: MembershipPort;
  /** Which principals exist, where that is all a PRINCIPAL_SYNC can learn (Unity Catalog over SQL). */
  readonly visibility?: PrincipalVisibility;
}

export interface PrincipalDirectory {
  existing(): Promise<Principal[]>;
  /** Creates a missing principal; present only where the warehouse and the settings let a sync do that (Snowflake roles). */
  readonly create?: (principal: Principal) => Promise<{ sql: string; ok: boolean; error?: string }>;
  /** What a person can do about a missing principal, for the warning that reports it. */
  readonly remedy: string;
}
