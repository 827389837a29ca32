import { securableKey } from '../connectors/securable.js';
import { type DesiredGrant, grantKey } from '../plan/desired.js';
import type { UnitRow } from '../store/unit-store.js';
import type { ResourceRef } from '../task/request.js';
import { type Attempt, type PolicyContext, syncUnderLock } from './attempt-sync.js';
import type { ResourceOutcome } from './resource-sync.js';
import type { WorkerDeps } from './worker-deps.js';

interface Sliced {
  resourceIndex: number;
  securable: string;
  ref: ResourceRef;
  needs: Map<string, DesiredGrant>;
}

/**
 * The schemas a task's units cut into slices, and the grants their slices need on each (USAGE on the schema): a
 * slice manages only its tables, so each such schema's own grants are synced once, by the top work, after every slice
 * finished — knowing what all of them need, so nothing one slice's tables need is revoked as drift.
 */
export class SlicedSchemas {
  /** By the requested resource the slices belong to and the schema's securableKey. */
  private readonly schemas = new Map<string, Sliced>();
  private readonly bySlice = new Map<string, Sliced>();

  constructor(units: readonly UnitRow[], deps: Pick<WorkerDeps, 'profile'>) {
    for (const u of units) {
      if (!u.tables) continue;
      const securable = securableKey({ kind: 'schema', path: deps.profile.resourcePath(u.ref) });
      const key = JSON.stringify([u.resourceIndex, securable]);
      const schema = this.schemas.get(key) ?? {
        resourceIndex: u.resourceIndex,
        securable,
        ref: u.ref,
        needs: new Map(),
      };
      this.schemas.set(key, schema);
      this.bySlice.set(u.key, schema);
    }
  }

  /** Keeps, of what a unit needs above it, what a slice needs on its own schema. */
  need(unitKey: string, grants: readonly DesiredGrant[]): void {
    const schema = this.bySlice.get(unitKey);
    if (!schema) return;
    for (const g of grants) if (securableKey(g.securable) === schema.securable) schema.needs.set(grantKey(g), g);
  }

  /**
   * Syncs each sliced schema's own part (its grants; in Unity Catalog also its functions, volumes and models) with
   * what its slices need, locked apart from its slices and from the whole schema. Each outcome goes to `into`, which
   * keeps what the schema needs on the database; a busy schema stops here (the top work is deferred and runs again,
   * and a part already synced since the task was made is then covered).
   */
  async syncOwn(
    resourceIndex: number,
    attempt: Attempt,
    policies: PolicyContext,
    deps: WorkerDeps,
    into: (outcome: ResourceOutcome) => void,
  ): Promise<{ busyMs: number } | undefined> {
    for (const { ref, needs } of [...this.schemas.values()].filter((s) => s.resourceIndex === resourceIndex)) {
      const own = await syncUnderLock(ref, { ...attempt, unit: true }, policies, deps, [...needs.values()], 'own');
      if ('busyMs' in own) return own;
      into(own);
    }
    return undefined;
  }
}
