import { describe, expect, it } from 'vitest';
import type { Securable } from '../../../shared/connectors/connector.js';
import type { Attachment, DesiredPolicy, ExistingPolicy, MaskingState, MaskStep } from '../../../shared/sync/masking/model.js';
import { planMasking } from '../../../shared/sync/masking/plan-masking.js';

const T: Securable = { kind: 'table', path: ['D', 'S', 'T'] };
const ours = (name: string, hash = 'h1'): ExistingPolicy => ({ kind: 'mask', name: ['D', 'GOV', name], marker: { ids: [1], version: '1', hash } });
const foreign = (name: string): ExistingPolicy => ({ kind: 'mask', name: ['D', 'S', name], marker: null });
const attached = (column: string, p: ExistingPolicy): Attachment => ({ kind: 'mask', table: T, column, policy: p.name });
const want = (column: string, name: string, hash = 'h1'): DesiredPolicy => ({
  kind: 'mask', table: T, column, name: ['D', 'GOV', name], args: [{ name: 'val', dataType: 'VARCHAR' }], returns: 'VARCHAR',
  body: 'CASE WHEN TRUE THEN NULL ELSE val END', marker: { ids: [1], version: '2', hash }, reason: 'mask policy 1',
});
const state = (policies: ExistingPolicy[], attachments: Attachment[]): MaskingState => ({ columns: {}, attachments, policies });
const ops = (steps: MaskStep[]) => steps.map((s) => `${s.op} ${'policy' in s ? s.policy.name[2] : s.op === 'DROP' ? s.policyName[2] : s.column}`);

describe('planMasking', () => {
  it('creates a policy before attaching it', () => {
    expect(ops(planMasking({ desired: [want('C', 'P')], state: state([], []), takeover: false }).steps)).toEqual(['CREATE P', 'ATTACH P']);
  });

  it('does nothing when our policy is attached with the same body hash', () => {
    const p = planMasking({ desired: [want('C', 'P')], state: state([ours('P')], [attached('C', ours('P'))]), takeover: false });
    expect(p.steps).toEqual([]);
    expect(p.unchanged).toBe(1);
  });

  it('turns a policy edit into one body change and never detaches', () => {
    const p = planMasking({ desired: [want('C', 'P', 'h2')], state: state([ours('P')], [attached('C', ours('P'))]), takeover: false });
    expect(ops(p.steps)).toEqual(['ALTER_BODY P']);
  });

  it('swaps a changed signature in one step, then drops the old policy', () => {
    const p = planMasking({ desired: [want('C', 'P_NUMBER')], state: state([ours('P_STRING')], [attached('C', ours('P_STRING'))]), takeover: false });
    expect(ops(p.steps)).toEqual(['CREATE P_NUMBER', 'SWAP P_NUMBER', 'DROP P_STRING']);
  });

  it('reports a foreign policy where ours is wanted and leaves it attached', () => {
    const p = planMasking({ desired: [want('C', 'P')], state: state([foreign('F')], [attached('C', foreign('F'))]), takeover: false });
    expect(p.steps).toEqual([]);
    expect(p.conflicts[0]).toMatch(/D\.S\.F\) is attached/);
  });

  it('takes a foreign policy over when allowed, without ever dropping it', () => {
    const p = planMasking({ desired: [want('C', 'P')], state: state([foreign('F')], [attached('C', foreign('F'))]), takeover: true });
    expect(ops(p.steps)).toEqual(['CREATE P', 'SWAP P']);
  });

  it('detaches then drops our policy when no Ranger policy masks the column any more', () => {
    expect(ops(planMasking({ desired: [], state: state([ours('P')], [attached('C', ours('P'))]), takeover: false }).steps)).toEqual(['DETACH C', 'DROP P']);
  });

  it('leaves a foreign policy alone when nothing is wanted on its column', () => {
    expect(planMasking({ desired: [], state: state([foreign('F')], [attached('C', foreign('F'))]), takeover: false }).steps).toEqual([]);
  });

  it('drops an orphan of ours that nothing references', () => {
    expect(ops(planMasking({ desired: [], state: state([ours('OLD')], []), takeover: false }).steps)).toEqual(['DROP OLD']);
  });

  it('does not touch an object of the same name that is not ours', () => {
    const named: ExistingPolicy = { kind: 'mask', name: ['D', 'GOV', 'P'], marker: null };
    const p = planMasking({ desired: [want('C', 'P')], state: state([named], []), takeover: true });
    expect(p.steps).toEqual([]);
    expect(p.conflicts[0]).toMatch(/not created by policysync/);
  });

  it('in a column task changes only that column and drops no other orphan', () => {
    const p = planMasking({
      desired: [want('C', 'P'), want('E', 'Q')], state: state([ours('OLD'), ours('R')], [attached('X', ours('R'))]), takeover: false, onlyColumn: 'C',
    });
    expect(ops(p.steps)).toEqual(['CREATE P', 'ATTACH P']);
  });
});
