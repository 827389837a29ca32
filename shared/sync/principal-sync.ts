import { createHash } from 'node:crypto';
import type { Connector } from '../connectors/connector.js';
import { ConnectorError } from '../connectors/errors.js';
import type { WarehouseProfile } from '../plan/profile.js';
import type { ResourceRow } from '../store/records.js';
import type { ResourceStateStore } from '../store/resource-state.js';
import type { StoredTask, TaskStore } from '../store/task-store.js';
import { ALL_PRINCIPALS } from '../task/principal-request.js';
import { gatedSync } from './coalesce.js';
import { listWarehousePrincipals, syncMemberships, type WarehousePrincipals } from './membership-sync.js';
import { checkPrincipals } from './principal-check.js';
import { type PrincipalContext, type PrincipalSyncDeps, principalContext } from './principal-context.js';
import type { ResourceOutcome } from './resource-sync.js';

/** What the worker lends a principal task (its own deps satisfy this). */
export interface PrincipalTaskDeps {
  store: TaskStore;
  connector: Connector;
  profile: WarehouseProfile;
  leaseSeconds: number;
  principals?: PrincipalSyncDeps;
  coalescing?: { states: ResourceStateStore };
}

export type PrincipalTaskOutcome = { kind: 'done' } | { kind: 'lost' } | { kind: 'busy'; retryAfterMs: number };

// The coalescing path of a principal: a first segment no resource name can hold (a request name with a control
// character is refused), so principals and resources never share a state row. `*` is the type's own row: a sync of
// every group covers, and excludes, a sync of one.
const PRINCIPALS = '\u0000principals';
const statePath = (ref: ResourceRow['ref']) =>
  ref.values.name === ALL_PRINCIPALS ? [PRINCIPALS, ref.type] : [PRINCIPALS, ref.type, ref.values.name ?? ''];

/**
 * The PRINCIPAL_SYNC side of the worker: the principals are read once, then each pending row is synced (under the
 * same burst coalescing as resources: a principal synced since this task was made, at the same user-store version,
 * is already in sync) and written with the lease (`write` says false once the lease is lost).
 */
export async function syncPrincipalTask(
  task: StoredTask,
  deps: PrincipalTaskDeps,
  clock: () => Date,
  write: (row: ResourceRow, outcome: ResourceOutcome) => Promise<boolean>,
): Promise<PrincipalTaskOutcome> {
  const taskId = task.header.taskId;
  const rows = (await deps.store.resources(taskId)).filter((r) => r.status === 'PENDING');
  let ctx: PrincipalContext | undefined;
  let version = '';
  let warehouse: Promise<WarehousePrincipals> | undefined;
  const source = deps.principals?.source;
  for (const row of rows) {
    let outcome: ResourceOutcome | { busyMs: number };
    if (!source) {
      outcome = {
        status: 'FAILED',
        message: 'no source of principals: set PRINCIPALS_FILE, or RANGER_URL and RANGER_SERVICE_NAME for Ranger Admin',
      };
    } else {
      if (!ctx) {
        const snapshot = await source.current();
        ctx = await principalContext(snapshot, deps.principals!, deps.connector, deps.profile, task.header.dryRun);
        version =
          snapshot.version ??
          `sha256:${createHash('sha256').update(JSON.stringify(snapshot.store)).digest('hex').slice(0, 16)}`;
      }
      const context = ctx;
      const port = deps.connector.capabilities.memberships;
      const sync = () =>
        syncPrincipalSafely(row.ref, context, async () => {
          warehouse ??= port ? listWarehousePrincipals(port) : undefined;
          return warehouse;
        });
      outcome =
        deps.coalescing && !task.header.dryRun ? await coalesced(row, task, version, deps, clock, sync) : await sync();
    }
    if ('busyMs' in outcome) return { kind: 'busy', retryAfterMs: outcome.busyMs };
    if (!(await write(row, outcome))) return { kind: 'lost' };
  }
  return { kind: 'done' };
}

async function coalesced(
  row: ResourceRow,
  task: StoredTask,
  version: string,
  deps: PrincipalTaskDeps,
  clock: () => Date,
  sync: () => Promise<ResourceOutcome>,
): Promise<ResourceOutcome | { busyMs: number }> {
  const states = deps.coalescing!.states;
  // The lock belongs to this attempt: a later attempt of the same task is someone else.
  const owner = { id: `${task.header.taskId}#${task.header.attempt}`, createdAt: task.header.createdAt };
  const gated = await gatedSync(states, statePath(row.ref), owner, version, deps.leaseSeconds, clock, sync);
  if ('covered' in gated)
    return { status: 'SUCCESS', message: `already in sync since ${gated.covered} (user store version ${version})` };
  return gated;
}

/** One principal row by what the warehouse can do; what it throws becomes the row's outcome. */
async function syncPrincipalSafely(
  ref: ResourceRow['ref'],
  ctx: PrincipalContext,
  warehouse: () => Promise<WarehousePrincipals | undefined>,
): Promise<ResourceOutcome> {
  const { memberships, visibility } = ctx.connector.capabilities;
  try {
    if (memberships) return await syncMemberships(ref, ctx, memberships, (await warehouse())!);
    if (visibility) return await checkPrincipals(ref, ctx, visibility);
    return { status: 'SKIPPED', message: `the ${ctx.connector.kind} connector cannot sync principals` };
  } catch (err) {
    return {
      status: 'FAILED',
      message: err instanceof ConnectorError ? err.message : `unexpected error: ${(err as Error).message}`,
    };
  }
}
