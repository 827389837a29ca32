import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DesiredPolicy, MaskStep, PolicyKind } from '../../../shared/connectors/masking-port.js';
import type { Securable } from '../../../shared/connectors/securable.js';
import { type Marker, type PolicyTarget, sameTarget } from '../../../shared/plan/masking/marker.js';
import { planMasking } from '../../../shared/plan/masking/plan-masking.js';
import { targetKey, targetOfStep, World, type WorldObject } from './masking-world.js';

// The synced table and another one; under the old names they shared every policy name ("S$X" + "T" / "S" + "X$T").
const SYNCED: Securable = { kind: 'table', path: ['D', 'S', 'X$T'] };
const OTHER: Securable = { kind: 'table', path: ['D', 'S$X', 'T'] };
const targetsOf = (t: Securable): PolicyTarget[] => [
  { kind: 'mask', table: t.path, column: 'A' },
  { kind: 'mask', table: t.path, column: 'B' },
  { kind: 'filter', table: t.path },
];
const TARGETS = [...targetsOf(SYNCED), ...targetsOf(OTHER)];
// Any object may hold any name: the planner must be safe whatever names the warehouse holds.
const NAMES = ['N1', 'N2', 'N3', 'N4', 'N5', 'N6'];
const HASHES = ['h1', 'h2'];
const isOn = (t: PolicyTarget, s: Securable) => t.table.join('.') === s.path.join('.');
const label = (t: PolicyTarget) =>
  t.kind === 'mask' ? `column ${t.table.join('.')}.${t.column}` : `table ${t.table.join('.')}`;

type Owner = 'foreign' | 'earlier' | PolicyTarget;
const arb = fc.record({
  existing: fc.uniqueArray(
    fc.record({
      name: fc.constantFrom(...NAMES),
      owner: fc.oneof(fc.constant<Owner>('foreign'), fc.constant<Owner>('earlier'), fc.constantFrom<Owner>(...TARGETS)),
      kind: fc.constantFrom<PolicyKind>('mask', 'filter'),
      hash: fc.constantFrom(...HASHES),
    }),
    { selector: (p) => p.name, maxLength: 6 },
  ),
  attachments: fc.uniqueArray(fc.record({ target: fc.constantFrom(...TARGETS), name: fc.constantFrom(...NAMES) }), {
    selector: (a) => targetKey(a.target),
    maxLength: 6,
  }),
  // One name per target (names are injective: see policy-name.property.test.ts), but any name already taken.
  desired: fc
    .uniqueArray(
      fc.record({
        target: fc.constantFrom(...targetsOf(SYNCED)),
        name: fc.constantFrom(...NAMES),
        hash: fc.constantFrom(...HASHES),
      }),
      { selector: (d) => targetKey(d.target), maxLength: 3 },
    )
    .filter((ds) => new Set(ds.map((d) => d.name)).size === ds.length),
  takeover: fc.boolean(),
});

function worldOf(
  existing: { name: string; owner: Owner; kind: PolicyKind; hash: string }[],
  attachments: { target: PolicyTarget; name: string }[],
): World {
  const world = new World();
  for (const e of existing) {
    const marker: Marker | null =
      e.owner === 'foreign'
        ? null
        : e.owner === 'earlier'
          ? { ids: [], version: '', hash: e.hash }
          : { ids: [], version: '', hash: e.hash, target: e.owner };
    world.put({ kind: typeof e.owner === 'object' ? e.owner.kind : e.kind, name: ['D', 'G', e.name], marker });
  }
  for (const a of attachments) {
    const o = world.object(['D', 'G', a.name]);
    // An object made for a table is attached on that table only (someone moving it elsewhere by hand is a case
    // the warehouse guards: it refuses to drop an attached policy). Earlier versions' objects may be anywhere.
    const madeFor = o?.marker?.target;
    if (!o || o.kind !== a.target.kind || (madeFor && madeFor.table.join('.') !== a.target.table.join('.'))) continue;
    world.attach(a.target, o.name);
  }
  return world;
}

const madeForSynced = (o: WorldObject | undefined) => o?.marker?.target !== undefined && isOn(o.marker.target, SYNCED);

describe('planMasking, for any state and desired policies of one table beside another', () => {
  it('never unprotects a target between statements, changes only objects its marker says were made for this table, and converges', () => {
    fc.assert(
      fc.property(arb, ({ existing, attachments, desired, takeover }) => {
        const world = worldOf(existing, attachments);
        const want: DesiredPolicy[] = desired.map((d) => ({
          kind: d.target.kind,
          table: SYNCED,
          ...(d.target.kind === 'mask' ? { column: d.target.column! } : {}),
          name: ['D', 'G', d.name],
          args: [],
          returns: 'VARCHAR',
          body: '',
          marker: { ids: [], version: '', hash: d.hash, target: d.target },
          reason: 'r',
        }));
        const untouchable = new Map(
          [...world.objects].filter(([, o]) => !madeForSynced(o)).map(([k, o]) => [k, JSON.stringify(o)]),
        );
        const otherAttachments = JSON.stringify([...world.attached].filter(([, a]) => isOn(a.target, OTHER)));
        const stayProtected = want.map((w) => w.marker.target).filter((t) => world.policyOn(t));

        const { steps, warnings } = planMasking({
          desired: want,
          state: world.stateFor([SYNCED]),
          tables: [SYNCED],
          takeover,
        });
        for (const s of steps) {
          expect(stepTable(s), `${s.op} on another table`).toEqual(SYNCED.path);
          if (s.op === 'ALTER_BODY' || s.op === 'DROP') {
            const o = world.object(s.op === 'DROP' ? s.policyName : s.policy.name);
            expect(madeForSynced(o), `${s.op} of an object not made for this table`).toBe(true);
            if (s.op === 'ALTER_BODY') expect(sameTarget(o!.marker!.target!, s.policy.marker.target)).toBe(true);
          }
          world.apply(s); // throws where the warehouse refuses
          for (const t of stayProtected)
            expect(world.policyOn(t), `${label(t)} unprotected after ${s.op}`).toBeDefined();
        }

        // Nothing made for anyone else changed, and nothing on the other table.
        for (const [k, o] of untouchable)
          expect(JSON.stringify(world.objects.get(k)), 'an object not made for this table changed').toBe(o);
        expect(JSON.stringify([...world.attached].filter(([, a]) => isOn(a.target, OTHER)))).toBe(otherAttachments);
        for (const w of want) {
          if (warnings.some((m) => m.startsWith(`${label(w.marker.target)}:`))) continue;
          expect(world.policyOn(w.marker.target)).toEqual(w.name);
          expect(world.object(w.name)?.marker?.hash).toBe(w.marker.hash);
        }
        // What no policy wants any more keeps no policy of ours for it (an earlier version's included).
        for (const t of targetsOf(SYNCED)) {
          if (want.some((w) => sameTarget(w.marker.target, t))) continue;
          const o = world.object(world.policyOn(t) ?? []);
          if (o)
            expect(
              o.marker === null || (o.marker.target !== undefined && !sameTarget(o.marker.target, t)),
              `stray on ${label(t)}`,
            ).toBe(true);
        }
        // Every object made for this table that nothing uses is gone.
        for (const o of world.objects.values())
          if (madeForSynced(o)) expect(world.isAttached(o.name), `orphan ${o.name.join('.')}`).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

function stepTable(s: MaskStep): string[] {
  switch (s.op) {
    case 'CREATE':
    case 'ALTER_BODY':
    case 'ATTACH':
    case 'SWAP':
      return s.policy.marker.target.table;
    case 'DETACH':
      return targetOfStep(s).table;
    case 'DROP':
      return SYNCED.path; // checked through the object's marker above
  }
}
