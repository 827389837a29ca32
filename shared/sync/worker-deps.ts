import type { Connector } from '../connectors/connector.js';
import type { WarehouseProfile } from '../plan/profile.js';
import type { ManagedScope } from '../plan/scope.js';
import type { PolicySource } from '../policy/index.js';
import type { DispatchQueue } from '../store/dispatch-queue.js';
import type { ResourceStateStore } from '../store/resource-state.js';
import type { TaskStore } from '../store/task-store.js';
import { UnitStore } from '../store/unit-store.js';
import type { PrincipalSyncDeps } from './principal-context.js';

export interface WorkerDeps {
  store: TaskStore;
  connector: Connector;
  profile: WarehouseProfile;
  scope: ManagedScope;
  policies: PolicySource;
  leaseSeconds: number;
  /** TASK_MAX_ATTEMPTS: the claims a task or unit gets before it ends FAILED (default 5). */
  maxAttempts?: number;
  /** UNIT_MAX_TABLES: a schema with more tables and views fans out as slices of at most this many (default 500). */
  unitMaxTables?: number;
  /**
   * Where a fanned-out task's units go, one message each. Absent (and no coalescing queue): the delivery that fans
   * a task out runs its units itself, one after another, through the same code.
   */
  queue?: DispatchQueue;
  /** PRINCIPAL_SYNC: where principals come from, their scope and naming. Such tasks fail saying so when absent. */
  principals?: PrincipalSyncDeps;
  /** Burst coalescing: resource states, and the queue a deferred task goes back to. Off when absent. */
  coalescing?: { states: ResourceStateStore; queue: DispatchQueue };
  now?: () => Date;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export type WorkerOutcome =
  | 'completed'
  | 'already_terminal'
  | 'claimed_elsewhere'
  | 'task_missing'
  | 'deferred'
  | 'fanned_out'
  | 'resent'
  | 'gave_up';

export const DEFAULT_MAX_ATTEMPTS = 5;
export const maxAttempts = (deps: WorkerDeps) => deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
export const DEFAULT_UNIT_MAX_TABLES = 500;
export const unitMaxTables = (deps: WorkerDeps) => deps.unitMaxTables ?? DEFAULT_UNIT_MAX_TABLES;
export const clockOf = (deps: WorkerDeps) => deps.now ?? (() => new Date());
export const logOf = (deps: WorkerDeps) => deps.log ?? (() => undefined);
export const queueOf = (deps: WorkerDeps) => deps.queue ?? deps.coalescing?.queue;
export const leaseMs = (deps: WorkerDeps) => deps.leaseSeconds * 1000;

const unitStores = new WeakMap<TaskStore, UnitStore>();
/** The units of the tasks in `deps.store` (the same table, each task's partition). */
export function unitsOf(deps: WorkerDeps): UnitStore {
  let units = unitStores.get(deps.store);
  if (!units) unitStores.set(deps.store, (units = new UnitStore(deps.store.table)));
  return units;
}

/** Whether a requested resource is split into units: a database or catalog, where the connector lists its schemas. */
export const fansOut = (type: string, deps: WorkerDeps) =>
  type === deps.profile.containerKind && deps.connector.capabilities.children !== undefined;
