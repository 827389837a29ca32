import { createHash } from 'node:crypto';
import type { SchemaPart } from '../connectors/table-range.js';
import type { DesiredGrant } from '../plan/desired.js';
import type { PolicyReading } from '../plan/evaluation.js';
import { policyReading } from '../plan/evaluation.js';
import type { PolicySnapshot } from '../policy/index.js';
import type { LockSpan } from '../store/lock-span.js';
import type { ResourceRef } from '../task/request.js';
import { gatedSync } from './coalesce.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { type ResourceOutcome, syncResourceSafely } from './resource-sync.js';
import { clockOf, type WorkerDeps } from './worker-deps.js';

/** One attempt at a task or a unit: who it is (the owner of the locks it takes), and the lease it holds. */
export interface Attempt {
  /** The task (or unit) and the attempt number: a later attempt of the same task is someone else. */
  owner: string;
  taskCreatedAt: Date;
  dryRun: boolean;
  keeper: Pick<LeaseKeeper<unknown>, 'signal' | 'lost' | 'keepLock'>;
  /** A unit: grants above its schema are the top work's (resource-sync.ts, leaveParentsToTop). */
  unit?: boolean;
}

/** The policies, read once per attempt. */
export interface PolicyContext {
  snapshot: PolicySnapshot;
  /** The version coalescing compares. */
  version: string;
  reading: PolicyReading;
}

export async function policyContext(deps: WorkerDeps): Promise<PolicyContext> {
  const snapshot = await deps.policies.current();
  return {
    snapshot,
    version: policyFingerprint(snapshot),
    reading: policyReading(snapshot, deps.profile, clockOf(deps)()),
  };
}

/**
 * Syncs one resource for an attempt: only if it is needed and nobody else is syncing it (see coalesce.ts), holding
 * its resource lock — renewed with the attempt's lease — while it runs; when someone else holds it, says how long
 * until their lease ends. A sync whose lease was lost stops before its next statement batch. `part`: a slice of a
 * schema, or its own part (table-range.ts), locked apart from the schema (lockPath).
 */
export async function syncUnderLock(
  ref: ResourceRef,
  attempt: Attempt,
  ctx: PolicyContext,
  deps: WorkerDeps,
  neededBelow?: DesiredGrant[],
  part?: SchemaPart,
): Promise<ResourceOutcome | { busyMs: number }> {
  const sync = () =>
    syncResourceSafely(ref, {
      connector: deps.connector,
      profile: deps.profile,
      scope: deps.scope,
      policies: ctx.reading,
      dryRun: attempt.dryRun,
      signal: attempt.keeper.signal,
      ...(attempt.unit ? { leaveParentsToTop: true } : {}),
      ...(neededBelow ? { neededBelow } : {}),
      ...(part ? { part } : {}),
    });
  const c = deps.coalescing;
  if (!c || attempt.dryRun) return sync();
  const path = deps.profile.resourcePath(ref);
  const gated = await gatedSync(
    c.states,
    lockPath(path, part),
    { id: attempt.owner, createdAt: attempt.taskCreatedAt.toISOString() },
    ctx.version,
    deps.leaseSeconds,
    clockOf(deps),
    sync,
    { keep: (renew) => attempt.keeper.keepLock(renew), lost: () => attempt.keeper.lost },
    lockSpan(path, part),
  );
  if ('covered' in gated)
    return { status: 'SUCCESS', message: `already in sync since ${gated.covered} (policy version ${ctx.version})` };
  return gated;
}

/**
 * Where a sync's lock and its record of having run live: a slice or a schema's own part under the schema, apart from
 * it, so the slices of a schema run side by side while a sync of the whole schema (an ancestor to them) waits for
 * them, and only the same range is ever covered by a slice's earlier sync. The segment starts with NUL, which no
 * table name holds.
 */
function lockPath(path: string[], part: SchemaPart | undefined): string[] {
  if (part === undefined) return path;
  const segment =
    part === 'own' ? 'own' : `tables ${JSON.stringify([part.tables.from ?? null, part.tables.below ?? null])}`;
  return [...path, `\u0000${segment}`];
}

/** A table's name, or a slice's range, that the locks of the slices and tables of one schema are compared by. */
function lockSpan(path: string[], part: SchemaPart | undefined): LockSpan | undefined {
  if (part !== undefined) return part === 'own' ? undefined : { range: part.tables };
  return path.length === 3 ? { name: path[2]! } : undefined;
}

/** The policy version coalescing compares: Ranger's policyVersion, or a digest of the policies when there is none. */
function policyFingerprint(snapshot: PolicySnapshot): string {
  if (snapshot.version !== null) return String(snapshot.version);
  return `sha256:${createHash('sha256').update(JSON.stringify(snapshot.policies)).digest('hex').slice(0, 16)}`;
}
