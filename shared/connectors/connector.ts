import type { LoadedResource } from './loaded-resource.js';
import type { Grant, Principal } from './securable.js';
import type { MaskingPort } from './masking-port.js';
import type { PlanStep } from './plan-step.js';
import type { ResourceRef } from '../task/request.js';

export interface StatementOutcome { step: PlanStep; sql: string; ok: boolean; error?: string; code?: string }

export interface Connector {
  readonly kind: 'snowflake' | 'databricks_unity_catalog' | 'memory';
  load(ref: ResourceRef): Promise<LoadedResource | 'not_found'>;
  /** Direct grants on `objects` and `parents`, read in bulk. */
  readGrants(loaded: LoadedResource): Promise<Grant[]>;
  /**
   * The principals that exist, where the warehouse can list them: grants to missing ones are then reported
   * instead of failing. Absent where it cannot (Unity Catalog over SQL): GRANT reports a missing principal.
   */
  existingPrincipals?(): Promise<Principal[]>;
  apply(steps: PlanStep[]): Promise<StatementOutcome[]>;
  /**
   * The principals the connector itself acts as in the warehouse: no plan ever grants or revokes anything to
   * them, whatever the policies, the drift or IGNORE_ROLES say (taking our own privileges away would end the
   * sync; granting ourselves more would let a policy widen what the service can reach).
   */
  identity(): Promise<Principal[]>;
  /**
   * The containers below a database or catalog (its schemas), synced one after another after the database
   * itself, so a sync holds one container's objects at a time. Absent: `load` returns the whole tree.
   */
  children?(ref: ResourceRef): Promise<ResourceRef[]>;
  /** Every top-level container (database or catalog) a scheduled full sync covers. */
  containers?(): Promise<ResourceRef[]>;
  /** Creates a missing principal, where the warehouse lets a sync do that (Snowflake roles). */
  createPrincipal?(principal: Principal): Promise<{ sql: string; ok: boolean; error?: string }>;
  close(): Promise<void>;
  /** Native masking policies and row filters, where the connector syncs them. */
  readonly masking?: MaskingPort;
}
