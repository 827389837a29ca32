import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Securable } from '../../../shared/connectors/connector.js';
import type { Attachment, DesiredPolicy, ExistingPolicy, MaskStep } from '../../../shared/sync/masking/model.js';
import { planMasking } from '../../../shared/sync/masking/plan-masking.js';

const T: Securable = { kind: 'table', path: ['D', 'S', 'T'] };
const COLUMNS = ['A', 'B', 'C'];
// Our names derive from column and type family (x / y), as the dialects make them; F* are foreign.
const OURS = COLUMNS.flatMap((c) => [`P_${c}_x`, `P_${c}_y`]);
const NAMES = [...OURS, 'F1', 'F2'];
const HASHES = ['h1', 'h2'];
const key = (n: readonly string[]) => n.join('.');

interface World { objects: Map<string, { ours: boolean; hash: string }>; attached: Map<string, string> }

const arb = fc.record({
  existing: fc.uniqueArray(fc.record({ name: fc.constantFrom(...NAMES), hash: fc.constantFrom(...HASHES) }), { selector: (p) => p.name, maxLength: 8 }),
  attachments: fc.uniqueArray(fc.record({ column: fc.constantFrom(...COLUMNS), name: fc.constantFrom(...NAMES) }), { selector: (a) => a.column, maxLength: 3 }),
  desired: fc.uniqueArray(fc.record({ column: fc.constantFrom(...COLUMNS), family: fc.constantFrom('x', 'y'), hash: fc.constantFrom(...HASHES) }), { selector: (d) => d.column, maxLength: 3 }),
  takeover: fc.boolean(),
});

describe('planMasking, for any state and desired policies', () => {
  it('never unprotects a column between statements, touches only our objects, drops nothing attached and converges', () => {
    fc.assert(fc.property(arb, ({ existing, attachments, desired, takeover }) => {
      const policies: ExistingPolicy[] = existing.map((p) => ({ kind: 'mask', name: ['D', 'G', p.name], marker: p.name.startsWith('P') ? { ids: [], version: '', hash: p.hash } : null }));
      const known = new Set(policies.map((p) => p.name[2]));
      const atts: Attachment[] = attachments.filter((a) => known.has(a.name)).map((a) => ({ kind: 'mask', table: T, column: a.column, policy: ['D', 'G', a.name] }));
      const want: DesiredPolicy[] = desired.map((d) => ({
        kind: 'mask', table: T, column: d.column, name: ['D', 'G', `P_${d.column}_${d.family}`], args: [], returns: 'VARCHAR', body: '', marker: { ids: [], version: '', hash: d.hash }, reason: 'r',
      }));
      const { steps, conflicts } = planMasking({ desired: want, state: { columns: {}, attachments: atts, policies }, takeover });

      const world: World = {
        objects: new Map(policies.map((p) => [key(p.name), { ours: p.marker !== null, hash: p.marker?.hash ?? '' }])),
        attached: new Map(atts.map((a) => [a.column!, key(a.policy)])),
      };
      const protectedAtStart = new Set(atts.map((a) => a.column!));
      const stayProtected = new Set([...protectedAtStart].filter((c) => want.some((w) => w.column === c)));
      for (const s of steps) {
        apply(world, s);
        for (const c of stayProtected) expect(world.attached.has(c), `column ${c} unprotected after ${s.op}`).toBe(true);
      }
      for (const w of want) {
        const conflicted = conflicts.some((m) => m.includes(`T.${w.column}:`));
        if (conflicted) continue;
        expect(world.attached.get(w.column!)).toBe(key(w.name));
        expect(world.objects.get(key(w.name))?.hash).toBe(w.marker.hash);
      }
      // What no policy wants any more keeps only foreign attachments.
      for (const [c, p] of world.attached) if (!want.some((w) => w.column === c)) expect(world.objects.get(p)?.ours, `stray ${c}`).toBe(false);
      // Every object of ours that is not attached is gone.
      for (const [name, o] of world.objects) if (o.ours) expect([...world.attached.values()], `orphan ${name}`).toContain(name);
    }), { numRuns: 500 });
  });
});

function apply(world: World, s: MaskStep): void {
  switch (s.op) {
    case 'CREATE':
      expect(world.objects.has(key(s.policy.name))).toBe(false);
      world.objects.set(key(s.policy.name), { ours: true, hash: s.policy.marker.hash });
      return;
    case 'ALTER_BODY': {
      const o = world.objects.get(key(s.policy.name));
      expect(o?.ours).toBe(true);
      o!.hash = s.policy.marker.hash;
      return;
    }
    case 'ATTACH':
      expect(world.objects.has(key(s.policy.name))).toBe(true);
      expect(world.attached.has(s.policy.column!), 'ATTACH over an attached policy needs SWAP').toBe(false);
      world.attached.set(s.policy.column!, key(s.policy.name));
      return;
    case 'SWAP':
      expect(world.objects.has(key(s.policy.name))).toBe(true);
      expect(world.attached.get(s.policy.column!)).toBe(key(s.from));
      world.attached.set(s.policy.column!, key(s.policy.name));
      return;
    case 'DETACH':
      expect(world.objects.get(world.attached.get(s.column!)!)?.ours, 'detaches only ours').toBe(true);
      world.attached.delete(s.column!);
      return;
    case 'DROP':
      expect(world.objects.get(key(s.policyName))?.ours, 'drops only ours').toBe(true);
      expect([...world.attached.values()], 'never drops an attached policy').not.toContain(key(s.policyName));
      world.objects.delete(key(s.policyName));
      return;
  }
}
