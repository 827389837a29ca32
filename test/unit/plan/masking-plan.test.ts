import { describe, expect, it } from 'vitest';
import type {
  Attachment,
  DesiredPolicy,
  ExistingPolicy,
  MaskingState,
  MaskStep,
} from '../../../shared/connectors/masking-port.js';
import type { Securable } from '../../../shared/connectors/securable.js';
import { planMasking } from '../../../shared/plan/masking/plan-masking.js';

const T: Securable = { kind: 'table', path: ['D', 'S', 'T'] };
// Another table whose names the old scheme made the same as T's ("S$X" + "T" vs "S" + "X$T" in one database).
const OTHER: Securable = { kind: 'table', path: ['D', 'S$X', 'T'] };
const target = (column: string, table = T) => ({ kind: 'mask' as const, table: table.path, column });
const ours = (name: string, column = 'C', hash = 'h1', table = T): ExistingPolicy => ({
  kind: 'mask',
  name: ['D', 'GOV', name],
  marker: { ids: [1], version: '1', hash, target: target(column, table) },
});
const earlier = (name: string): ExistingPolicy => ({
  kind: 'mask',
  name: ['D', 'GOV', name],
  marker: { ids: [1], version: '1', hash: 'h0' },
});
const foreign = (name: string): ExistingPolicy => ({ kind: 'mask', name: ['D', 'S', name], marker: null });
const attached = (column: string, p: ExistingPolicy, table = T): Attachment => ({
  kind: 'mask',
  table,
  column,
  policy: p.name,
});
const want = (column: string, name: string, hash = 'h1'): DesiredPolicy => ({
  kind: 'mask',
  table: T,
  column,
  name: ['D', 'GOV', name],
  args: [{ name: 'val', dataType: 'VARCHAR' }],
  returns: 'VARCHAR',
  body: 'CASE WHEN TRUE THEN NULL ELSE val END',
  marker: { ids: [1], version: '2', hash, target: target(column) },
  reason: 'mask policy 1',
});
const state = (policies: ExistingPolicy[], attachments: Attachment[]): MaskingState => ({
  columns: {},
  attachments,
  policies,
});
const ops = (steps: MaskStep[]) =>
  steps.map((s) => `${s.op} ${'policy' in s ? s.policy.name[2] : s.op === 'DROP' ? s.policyName[2] : s.column}`);
const planT = (desired: DesiredPolicy[], s: MaskingState, takeover = false, onlyColumn?: string) =>
  planMasking({ desired, state: s, tables: [T], takeover, ...(onlyColumn !== undefined ? { onlyColumn } : {}) });

describe('planMasking', () => {
  it('creates a policy before attaching it', () => {
    expect(ops(planT([want('C', 'P')], state([], [])).steps)).toEqual(['CREATE P', 'ATTACH P']);
  });

  it('does nothing when our policy is attached with the same body hash', () => {
    const p = planT([want('C', 'P')], state([ours('P')], [attached('C', ours('P'))]));
    expect(p.steps).toEqual([]);
    expect(p.unchanged).toBe(1);
  });

  it('turns a policy edit into one body change and never detaches', () => {
    const p = planT([want('C', 'P', 'h2')], state([ours('P')], [attached('C', ours('P'))]));
    expect(ops(p.steps)).toEqual(['ALTER_BODY P']);
  });

  it('swaps a changed signature in one step, then drops the old policy', () => {
    const p = planT([want('C', 'P_NUMBER')], state([ours('P_STRING')], [attached('C', ours('P_STRING'))]));
    expect(ops(p.steps)).toEqual(['CREATE P_NUMBER', 'SWAP P_NUMBER', 'DROP P_STRING']);
  });

  it('reports a foreign policy where ours is wanted and leaves it attached', () => {
    const p = planT([want('C', 'P')], state([foreign('F')], [attached('C', foreign('F'))]));
    expect(p.steps).toEqual([]);
    expect(p.warnings[0]).toMatch(/D\.S\.F\) is attached/);
  });

  it('takes a foreign policy over when allowed, without ever dropping it', () => {
    const p = planT([want('C', 'P')], state([foreign('F')], [attached('C', foreign('F'))]), true);
    expect(ops(p.steps)).toEqual(['CREATE P', 'SWAP P']);
  });

  it('detaches then drops our policy when no Ranger policy masks the column any more', () => {
    expect(ops(planT([], state([ours('P')], [attached('C', ours('P'))])).steps)).toEqual(['DETACH C', 'DROP P']);
  });

  it('leaves a foreign policy alone when nothing is wanted on its column', () => {
    expect(planT([], state([foreign('F')], [attached('C', foreign('F'))])).steps).toEqual([]);
  });

  it('drops an orphan its marker says was made for this table', () => {
    expect(ops(planT([], state([ours('OLD')], [])).steps)).toEqual(['DROP OLD']);
  });

  it('does not touch an object of the same name that is not ours', () => {
    const named: ExistingPolicy = { kind: 'mask', name: ['D', 'GOV', 'P'], marker: null };
    const p = planT([want('C', 'P')], state([named], []), true);
    expect(p.steps).toEqual([]);
    expect(p.warnings[0]).toMatch(/not created by policysync/);
  });

  it('in a column task changes only that column and drops no orphan made for another column', () => {
    const p = planT(
      [want('C', 'P'), want('E', 'Q')],
      state([ours('OLD', 'E'), ours('R', 'X')], [attached('X', ours('R', 'X'))]),
      false,
      'C',
    );
    expect(ops(p.steps)).toEqual(['CREATE P', 'ATTACH P']);
  });

  describe("ownership is the marker's target, never the name", () => {
    it('never alters an object made for another table that holds the name it wants', () => {
      const theirs = ours('P', 'C', 'h9', OTHER);
      const p = planT([want('C', 'P')], state([theirs], []));
      expect(p.steps).toEqual([]);
      expect(p.warnings[0]).toBe(
        'column D.S.T.C: D.GOV.P exists but was made by policysync for column D.S$X.T.C; it was left alone and nothing was attached',
      );
    });

    it('never drops an unattached object made for a table outside the sync, though its marker is ours', () => {
      expect(planT([], state([ours('P', 'C', 'h1', OTHER)], [])).steps).toEqual([]);
    });

    it('treats an object made for another target and attached here as foreign: a conflict, or a swap without a drop', () => {
      const theirs = ours('Q', 'C', 'h1', OTHER);
      const s = state([theirs], [attached('C', theirs)]);
      expect(planT([want('C', 'P')], s).warnings[0]).toMatch(
        /a policy made by policysync for column D\.S\$X\.T\.C \(D\.GOV\.Q\) is attached/,
      );
      expect(ops(planT([want('C', 'P')], s, true).steps)).toEqual(['CREATE P', 'SWAP P']);
      expect(planT([], s).steps).toEqual([]);
    });

    it("replaces an earlier version's object (a marker without target) where it is attached, but never alters or drops it", () => {
      const p = planT([want('C', 'P')], state([earlier('OLD')], [attached('C', earlier('OLD'))]));
      expect(ops(p.steps)).toEqual(['CREATE P', 'SWAP P']);
      expect(p.warnings).toEqual([
        'D.GOV.OLD was replaced or detached on column D.S.T.C but not dropped: it was marked by an earlier policysync without the target it was made for, so it may still serve another table; drop it once nothing uses it',
      ]);
    });

    it("detaches an earlier version's object when no policy masks the column any more, and never drops it", () => {
      const p = planT([], state([earlier('OLD')], [attached('C', earlier('OLD'))]));
      expect(ops(p.steps)).toEqual(['DETACH C']);
      expect(p.warnings[0]).toMatch(/^D\.GOV\.OLD was replaced or detached/);
    });

    it("never alters an earlier version's object that holds the name it wants", () => {
      const p = planT([want('C', 'OLD')], state([earlier('OLD')], []));
      expect(p.steps).toEqual([]);
      expect(p.warnings[0]).toMatch(/marked by an earlier policysync without the target it was made for/);
    });

    it('changes nothing on a table the sync does not own (IGNORE_OBJECTS), whatever its marker says', () => {
      const p = planMasking({
        desired: [want('C', 'P')],
        state: state([ours('OLD'), ours('R')], [attached('X', ours('R'))]),
        tables: [],
        takeover: true,
      });
      expect(p.steps).toEqual([]);
    });
  });
});
