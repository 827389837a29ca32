import type { Connector } from '../connectors/connector.js';
import type { WarehouseProfile } from '../plan/profile.js';
import type { PolicySnapshot } from '../policy/model.js';
import { policyIdentity } from '../policy/policy-diff.js';
import type { ResourceRow } from '../store/records.js';
import type { StoredTask, TaskStore } from '../store/task-store.js';
import { decodePolicyCause, encodePolicyCause } from '../task/policy-cause.js';
import { patternTargets } from './pattern-targets.js';

export interface PolicyTaskDeps {
  store: TaskStore;
  connector: Connector;
  profile: WarehouseProfile;
}

/**
 * A POLICY_SYNC's rows, found the first time a worker takes it: the objects its policies cover at the snapshot the
 * sync reads (patternTargets), then one SKIPPED row per id the policy source does not know. A disabled policy's
 * objects are synced too: what it granted is revoked. The header then counts the rows and records each policy's
 * version, so a later delivery finds the rows instead of expanding again.
 */
export async function expandPolicyTask(
  task: StoredTask,
  snapshot: PolicySnapshot,
  deps: PolicyTaskDeps,
  now: Date,
): Promise<StoredTask> {
  const cause = decodePolicyCause(task.header.policies) ?? { policies: [] };
  const byId = new Map(snapshot.policies.map((p) => [String(policyIdentity(p)), p]));
  const found = cause.policies.flatMap((p) => byId.get(String(p.id)) ?? []);
  const unknown = cause.policies.filter((p) => !byId.has(String(p.id)));
  const targets = await patternTargets(
    found.flatMap((p) => [p.resources, ...p.additionalResources]),
    deps.connector,
    deps.profile,
  );
  const stamp = now.toISOString();
  const at = snapshot.version !== null ? ` at version ${snapshot.version}` : '';
  const rows: ResourceRow[] = [
    ...targets.map((ref, index): ResourceRow => ({ index, ref, status: 'PENDING', message: '', updatedAt: stamp })),
    ...unknown.map(
      (p, i): ResourceRow => ({
        index: targets.length + i,
        ref: { type: 'policy', values: { id: String(p.id) } },
        status: 'SKIPPED',
        message: `policy ${p.id} is not in the policy source${at}; check the id, or the service this instance syncs`,
        updatedAt: stamp,
      }),
    ),
  ];
  await deps.store.writeResources(task.header.taskId, rows);
  const versions = new Map(found.map((p) => [String(policyIdentity(p)), p.version]));
  return deps.store.replace({
    ...task,
    header: {
      ...task.header,
      resourceCount: rows.length,
      skipped: unknown.length,
      policies: encodePolicyCause({
        ...cause,
        policies: cause.policies.map((p) => {
          const version = versions.get(String(p.id));
          return version !== undefined ? { id: p.id, version } : { id: p.id };
        }),
      }),
      updatedAt: stamp,
    },
  });
}
