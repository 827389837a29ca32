import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { Connector } from '../connectors/connector.js';
import type { Log } from '../log.js';
import type { WarehouseProfile } from '../plan/profile.js';
import type { PolicySnapshot, RangerPolicy } from '../policy/model.js';
import { policyChanges, policyIdentity, type ResourcePattern } from '../policy/policy-diff.js';
import type { PolicySource } from '../policy/source.js';
import { validityBoundaries } from '../policy/validity-boundaries.js';
import type { PolicySnapshotStore, WatchedHead } from '../store/policy-snapshot-store.js';
import { type AttributedTarget, attributedTargets } from '../sync/pattern-targets.js';
import type { PolicyCause } from '../task/policy-cause.js';
import { MAX_RESOURCES_PER_TASK } from '../task/request.js';
import { createTask, type IntakeDeps } from './create-task.js';

export interface PolicyWatchDeps {
  intake: IntakeDeps;
  snapshots: PolicySnapshotStore;
  policies: PolicySource;
  connector: Connector;
  profile: WarehouseProfile;
  log?: Log;
}

export type WatchOutcome =
  | { kind: 'baseline'; revision: string }
  | { kind: 'watched'; revision: string; changed: boolean; boundaries: number; taskIds: string[]; advanced: boolean };

/** How many policies a task names in its header; a burst names the first ones and counts the rest. */
const MAX_NAMED_POLICIES = 100;

/**
 * One tick of the policy watcher. It reads the policy source the way Ranger's plugins do (a 304 costs nothing), and
 * against the set it last acted on (kept in storage, so a restart or a second instance picks up where it was):
 * - on a new revision, diffs old against newest (a burst of edits between ticks is one diff) and creates RESOURCE_SYNC
 *   tasks, source POLICY_CHANGE, for the objects whose access changed;
 * - for every validity-schedule start or end passed since the last tick, a task for that policy's objects.
 * Tasks are created before the head advances, under idempotency keys made of the revision pair or the boundary: a
 * watcher that dies in between, or a second one on the same change, creates the same tasks again, which returns
 * them instead. The first tick only records the set: there is nothing to diff it against.
 */
export async function watchPolicies(deps: PolicyWatchDeps, now: Date): Promise<WatchOutcome> {
  const head = await deps.snapshots.head();
  const current = await deps.policies.current();
  const revision = policyRevision(current);
  if (!head) {
    const chunks = await deps.snapshots.write(revision, current);
    await deps.snapshots.advance(undefined, { revision, chunks, checkedUntil: now.toISOString() });
    lastRead.set(deps.snapshots, { revision, snapshot: current });
    return { kind: 'baseline', revision };
  }

  const taskIds: string[] = [];
  const changed = head.revision !== revision;
  let chunks = head.chunks;
  if (changed) {
    const previous = await previousSet(deps, head);
    const changes = policyChanges(previous, current);
    const groups = changes.map((c) => ({
      cause: { id: c.id, ...(c.version !== undefined ? { version: c.version } : {}) },
      patterns: c.patterns,
    }));
    // The revisions alone could name two different changes (a Ranger service re-created, a restored backup): the
    // digest of what changed keeps their keys apart, and is the same for every watcher diffing the same two sets.
    const key = `policy-change:${head.revision}>${revision}:${digest(changes)}`;
    taskIds.push(...(await createTasks(deps, groups, { from: head.revision, to: revision }, key)));
    chunks = await deps.snapshots.write(revision, current);
    lastRead.set(deps.snapshots, { revision, snapshot: current });
    deps.log?.('info', 'policy change synced', {
      from: head.revision,
      to: revision,
      policies: changes.length,
      taskIds,
    });
  }

  const boundaries = validityBoundaries(current, new Date(head.checkedUntil), now);
  for (const boundary of boundaries) {
    const at = boundary.at.toISOString();
    const ids = boundary.policies.map((p) => policyIdentity(p));
    const groups = boundary.policies.map((p) => ({
      cause: versioned(p),
      patterns: [p.resources, ...p.additionalResources],
    }));
    const key = `policy-validity:${at}:${digest([ids, groups])}`;
    taskIds.push(...(await createTasks(deps, groups, { to: revision, boundary: at }, key)));
  }

  const checkedUntil = now.toISOString();
  const next = changed
    ? { revision, chunks, checkedUntil, previous: head.revision }
    : { revision, chunks, checkedUntil, ...(head.previous ? { previous: head.previous } : {}) };
  const advanced = await deps.snapshots.advance(head, next);
  // The set two steps back: nobody can be diffing against it any more (the one just replaced may still be read).
  if (advanced && changed && head.previous && head.previous !== revision) await deps.snapshots.drop(head.previous);
  return { kind: 'watched', revision, changed, boundaries: boundaries.length, taskIds, advanced };
}

type NamedPolicy = PolicyCause['policies'][number];

/**
 * The tasks for the policies' patterns: one per database or catalog a pattern covers whole (its fan-out sync), and
 * the other objects together, a thousand to a task, each task naming the policies behind its own objects. Keyed by
 * `key` and the part, so a repeat returns the same tasks.
 */
async function createTasks(
  deps: PolicyWatchDeps,
  groups: { cause: NamedPolicy; patterns: ResourcePattern[] }[],
  revisions: Pick<PolicyCause, 'from' | 'to' | 'boundary'>,
  key: string,
): Promise<string[]> {
  if (groups.length === 0) return [];
  const targets = await attributedTargets(groups, deps.connector, deps.profile);
  const containerKind = deps.profile.containerKind;
  const containers = targets.filter((t) => t.ref.type === containerKind);
  const objects = targets.filter((t) => t.ref.type !== containerKind);
  const parts: { part: string; targets: AttributedTarget<NamedPolicy>[] }[] = containers.map((c) => ({
    part: `c:${canonicalJson(deps.profile.resourcePath(c.ref))}`,
    targets: [c],
  }));
  for (let i = 0; i < objects.length; i += MAX_RESOURCES_PER_TASK)
    parts.push({ part: `o:${i / MAX_RESOURCES_PER_TASK}`, targets: objects.slice(i, i + MAX_RESOURCES_PER_TASK) });
  const ids: string[] = [];
  for (const { part, targets: inPart } of parts) {
    const resources = inPart.map((t) => t.ref);
    const policies = [...new Set(inPart.flatMap((t) => t.causes))];
    const { task } = await createTask(
      deps.intake,
      { request: { type: 'RESOURCE_SYNC', source: 'POLICY_CHANGE', requestInfo: { resources } } },
      {
        source: 'POLICY_CHANGE',
        idempotencyKey: `${key}:${part}`,
        cause: { ...namedPolicies(policies), ...revisions },
      },
    );
    ids.push(task.header.taskId);
  }
  return ids;
}

/** The set the head names: from memory when this instance stored or read it last, else from storage. */
async function previousSet(deps: PolicyWatchDeps, head: WatchedHead): Promise<PolicySnapshot> {
  const remembered = lastRead.get(deps.snapshots);
  if (remembered?.revision === head.revision) return remembered.snapshot;
  const stored = await deps.snapshots.read(head);
  // A head whose set is gone (removed by hand) leaves nothing to diff against: every current policy counts as added.
  const snapshot = stored ?? { version: null, policies: [] };
  lastRead.set(deps.snapshots, { revision: head.revision, snapshot });
  return snapshot;
}
const lastRead = new WeakMap<PolicySnapshotStore, { revision: string; snapshot: PolicySnapshot }>();

/**
 * What tells one policy set from another: the source's own revision (Ranger's policyVersion, a file's content hash),
 * or a digest of the policies when the source gives none.
 */
export function policyRevision(snapshot: PolicySnapshot): string {
  if (snapshot.revision) return snapshot.revision;
  return `sha256:${digest(snapshot.policies)}`;
}

const digest = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);

const versioned = (p: RangerPolicy) => ({
  id: policyIdentity(p),
  ...(p.version !== undefined ? { version: p.version } : {}),
});

function namedPolicies(policies: PolicyCause['policies']): Pick<PolicyCause, 'policies' | 'omitted'> {
  return {
    policies: policies.slice(0, MAX_NAMED_POLICIES),
    ...(policies.length > MAX_NAMED_POLICIES ? { omitted: policies.length - MAX_NAMED_POLICIES } : {}),
  };
}
