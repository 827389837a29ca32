import { type LockSpan, overlaps } from '../store/lock-span.js';
import { nameKey } from '../store/name-key.js';
import type { ResourceState, ResourceStateStore } from '../store/resource-state.js';

/**
 * Whether a resource needs a warehouse sync for a task, and the right to run it. A resource (or an ancestor:
 * a schema sync covers its tables) whose sync started after the task was created, under the same policy
 * version, is already in sync. At most one sync runs at a time on a resource, its ancestors and descendants:
 * a schema task and a table task inside it never apply the same grants side by side; nor do a slice of a schema
 * and a table in its range, or two slices that overlap (`span`, lock-span.ts).
 */
export type Gate =
  | { kind: 'covered'; since: string; by: string }
  | { kind: 'busy'; retryAfterMs: number }
  | { kind: 'held'; held: ResourceState; startedAt: Date };

export async function enterResource(
  states: ResourceStateStore,
  path: string[],
  owner: string,
  taskCreatedAt: Date,
  policyVersion: string,
  leaseSeconds: number,
  now: Date,
  span?: LockSpan,
): Promise<Gate> {
  const keys = path.map((_, i) => nameKey(path.slice(0, i + 1)));
  const self = keys.at(-1)!;
  const lineage = new Set(keys);
  // Below a schema, a table and the slices whose range holds it are siblings, not ancestors: a table finds those
  // slices in the query that reads its ancestors, a slice finds the tables and slices it overlaps among the leases
  // below the schema.
  const schema = span ? keys.at(-2) : undefined;
  const slicesOf = span && 'name' in span ? schema : undefined;
  const related = (r: ResourceState) =>
    lineage.has(r.key) || (span !== undefined && r.span !== undefined && overlaps(r.span, span));
  const rows = (await states.get(keys, slicesOf)).filter(related);
  const covering = rows
    .filter((r) => r.lastStartedAt && r.policyVersion === policyVersion && new Date(r.lastStartedAt) > taskCreatedAt)
    // A slice's record covers the tables in its range; a sibling table's covers nothing but itself.
    .filter((r) => lineage.has(r.key) || (r.span !== undefined && 'range' in r.span))
    .sort((a, b) => b.lastStartedAt!.localeCompare(a.lastStartedAt!))[0];
  if (covering) return { kind: 'covered', since: covering.lastStartedAt!, by: covering.key };

  const live = (r: ResourceState) =>
    r.leaseUntil !== undefined && new Date(r.leaseUntil) > now && r.leaseOwner !== owner;
  const below = async () => (await states.leasedBelow(self, now)).filter(live);
  const overlapping = async () =>
    span && 'range' in span && schema !== undefined
      ? (await states.leasedBelow(schema, now)).filter((r) => r.key !== self && live(r) && related(r))
      : [];
  if (rows.some(live) || (await below()).length > 0 || (await overlapping()).length > 0) return busy();
  const held = await states.acquire(
    rows.find((r) => r.key === self),
    self,
    owner,
    now,
    new Date(now.getTime() + leaseSeconds * 1000),
    span,
  );
  if (!held) return busy();
  // Two levels (a schema and a table in it) can pass the check at the same moment and take different rows.
  // Look again now that ours is written: the later lease stands down (on a tie, the deeper one; of two siblings,
  // both), so at most one of them goes on.
  const above = (await states.get(keys.slice(0, -1), slicesOf)).filter((r) => live(r) && related(r));
  const mine = held.leasedAt!;
  const yields = [
    ...above.filter((r) => r.leasedAt! <= mine),
    ...(await below()).filter((r) => r.leasedAt! < mine),
    ...(await overlapping()).filter((r) => r.leasedAt! <= mine),
  ];
  if (yields.length > 0) {
    await states.release(held);
    return busy();
  }
  return { kind: 'held', held, startedAt: now };
}

/** Look again in one to two seconds: leases are an upper bound and syncs usually end far sooner. */
const busy = (): Gate => ({ kind: 'busy', retryAfterMs: 1000 + Math.floor(Math.random() * 1000) });

/** How a long sync keeps its lock: renewed with its attempt's lease, and whether that lease was lost meanwhile. */
export interface LockKeeping {
  /** Renews the lock alongside the lease; returns what stops it (see LeaseKeeper.keepLock). */
  keep(renew: () => Promise<boolean>): () => Promise<void>;
  lost(): boolean;
}

/**
 * Runs `sync` under the gate of the resource at `path` for one attempt (`owner.id`, its task made at
 * `owner.createdAt`): not at all when a sync since the task was made covers it, not now when another holds it (how
 * long until its lease ends), otherwise holding it (renewed by `keeping`, when given) and remembering the start and
 * version of a sync that succeeded while its attempt still held its lease.
 */
export async function gatedSync<T extends { status: string }>(
  states: ResourceStateStore,
  path: string[],
  owner: { id: string; createdAt: string },
  version: string,
  leaseSeconds: number,
  clock: () => Date,
  sync: () => Promise<T>,
  keeping?: LockKeeping,
  span?: LockSpan,
): Promise<T | { covered: string } | { busyMs: number }> {
  const gate = await enterResource(
    states,
    path,
    owner.id,
    new Date(owner.createdAt),
    version,
    leaseSeconds,
    clock(),
    span,
  );
  if (gate.kind === 'covered') return { covered: gate.since };
  if (gate.kind === 'busy') return { busyMs: gate.retryAfterMs };
  let held = gate.held;
  const stop = keeping?.keep(async () => {
    const renewed = await states.renew(held, new Date(clock().getTime() + leaseSeconds * 1000));
    if (renewed) held = renewed;
    return renewed !== false;
  });
  let outcome: T | undefined;
  try {
    outcome = await sync();
    return outcome;
  } finally {
    await stop?.();
    const finished = outcome?.status === 'SUCCESS' && !keeping?.lost();
    await states.release(held, finished ? { startedAt: gate.startedAt, policyVersion: version } : undefined);
  }
}
