import type {
  Attachment,
  ExistingPolicy,
  MaskingState,
  MaskStep,
  PolicyKind,
} from '../../../shared/connectors/masking-port.js';
import type { Securable } from '../../../shared/connectors/securable.js';
import type { Marker, PolicyTarget } from '../../../shared/plan/masking/marker.js';

/**
 * A warehouse's policy objects and attachments as plain data, for property tests of the masking planner: steps
 * apply to it with the refusals both warehouses make (a name taken, an attached object dropped, a second policy
 * attached without a swap), and `stateFor` answers what a port's read returns for some tables.
 */
export interface WorldObject {
  kind: PolicyKind;
  name: string[];
  marker: Marker | null;
}

const key = (parts: readonly string[]) => parts.join('\u0000');
export const targetKey = (t: PolicyTarget) => `${t.kind}\u0001${key(t.table)}\u0001${t.column ?? ''}`;
export const targetOfStep = (s: Extract<MaskStep, { op: 'DETACH' }>): PolicyTarget =>
  s.kind === 'mask'
    ? { kind: 'mask', table: s.table.path, column: s.column ?? '' }
    : { kind: 'filter', table: s.table.path };

export class World {
  readonly objects = new Map<string, WorldObject>();
  /** target key -> policy name key */
  readonly attached = new Map<string, { target: PolicyTarget; policy: string[] }>();

  put(o: WorldObject): void {
    this.objects.set(key(o.name), o);
  }
  attach(target: PolicyTarget, policy: string[]): void {
    this.attached.set(targetKey(target), { target, policy });
  }
  object(name: readonly string[]): WorldObject | undefined {
    return this.objects.get(key(name));
  }
  policyOn(target: PolicyTarget): string[] | undefined {
    return this.attached.get(targetKey(target))?.policy;
  }
  isAttached(name: readonly string[]): boolean {
    return [...this.attached.values()].some((a) => key(a.policy) === key(name));
  }

  /** A deep copy, to compare before and after. */
  snapshot(): { objects: [string, string][]; attached: [string, string][] } {
    return {
      objects: [...this.objects].map(([k, o]) => [k, JSON.stringify(o)] as [string, string]).sort(),
      attached: [...this.attached].map(([k, a]) => [k, key(a.policy)] as [string, string]).sort(),
    };
  }

  /** What a port reads for these tables: their attachments and every policy object (the governance schema's). */
  stateFor(tables: Securable[]): MaskingState {
    const attachments: Attachment[] = [];
    for (const { target, policy } of this.attached.values()) {
      const table = tables.find((t) => key(t.path) === key(target.table));
      if (table)
        attachments.push({
          kind: target.kind,
          table,
          ...(target.kind === 'mask' ? { column: target.column! } : {}),
          policy,
        });
    }
    const policies: ExistingPolicy[] = [...this.objects.values()].map((o) => ({
      kind: o.kind,
      name: o.name,
      marker: o.marker,
    }));
    return { columns: {}, attachments, policies };
  }

  /** Applies one step as the warehouse would, throwing where the warehouse refuses. */
  apply(s: MaskStep): void {
    switch (s.op) {
      case 'CREATE':
        if (this.objects.has(key(s.policy.name))) throw new Error(`CREATE ${s.policy.name.join('.')}: already exists`);
        this.put({ kind: s.policy.kind, name: s.policy.name, marker: s.policy.marker });
        return;
      case 'ALTER_BODY': {
        const o = this.object(s.policy.name);
        if (!o) throw new Error(`ALTER ${s.policy.name.join('.')}: does not exist`);
        o.marker = s.policy.marker;
        return;
      }
      case 'ATTACH':
        if (!this.object(s.policy.name)) throw new Error(`ATTACH ${s.policy.name.join('.')}: does not exist`);
        if (this.policyOn(s.policy.marker.target))
          throw new Error('ATTACH over an attached policy: the warehouse needs a swap');
        this.attach(s.policy.marker.target, s.policy.name);
        return;
      case 'SWAP':
        if (!this.object(s.policy.name)) throw new Error(`SWAP to ${s.policy.name.join('.')}: does not exist`);
        if (key(this.policyOn(s.policy.marker.target) ?? []) !== key(s.from))
          throw new Error('SWAP from a policy that is not attached');
        this.attach(s.policy.marker.target, s.policy.name);
        return;
      case 'DETACH':
        this.attached.delete(targetKey(targetOfStep(s)));
        return;
      case 'DROP':
        if (this.isAttached(s.policyName)) throw new Error(`DROP ${s.policyName.join('.')}: still attached`);
        this.objects.delete(key(s.policyName));
        return;
    }
  }
}
