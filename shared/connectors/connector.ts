import type { MaskingPort } from '../sync/masking/model.js';
import type { PlanStep } from '../sync/plan-step.js';
import type { ResourceRef } from '../task/request.js';

/** A grantable object in the warehouse; `path` is its name parts as the warehouse stores them. */
export type SecurableKind = 'database' | 'catalog' | 'schema' | 'table' | 'view';
export interface Securable { kind: SecurableKind; path: string[] }

export type PrincipalKind = 'role' | 'user' | 'group' | 'service_principal';
export interface Principal { kind: PrincipalKind; name: string }

export interface Grant { securable: Securable; principal: Principal; privilege: string }

/** What a request covers once loaded: the named object, what lies below it, and the columns of tables. */
export interface LoadedResource {
  /** The object the request named (for a column request: its table). */
  root: Securable;
  /** The root and every object below it: the sync manages all grants on these. */
  objects: Securable[];
  /** The root's ancestors: they only ever gain USAGE for principals granted something below (never revoked). */
  parents: Securable[];
  /** Columns per table or view, keyed by the securable's path joined with '.'. */
  columns: Record<string, string[]>;
  /** Set when the request named a column: the column, as stored. */
  column?: string;
  /** Direct grants on `objects` and `parents`, when the warehouse returned them with the objects (one round trip). */
  grants?: Grant[];
}

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
  /** Native masking policies and row filters, where the connector syncs them (issue 9). */
  readonly masking?: MaskingPort;
}
