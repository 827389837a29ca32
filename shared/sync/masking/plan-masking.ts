import { securableName } from '../profile.js';
import type { Attachment, DesiredPolicy, MaskingState, MaskStep, PolicyKind } from './model.js';

export interface MaskingPlanInput {
  desired: DesiredPolicy[];
  state: MaskingState;
  /** Replace a foreign policy attached where we want ours (CONNECTOR_<KIND>_MASKING_TAKEOVER=true). */
  takeover: boolean;
  /** Named in conflict messages: the setting that would allow a takeover. */
  takeoverSetting?: string;
  /** A column task: only that column's mask is ours to change, never the table's other columns or its filter. */
  onlyColumn?: string;
}

export interface MaskingPlan { steps: MaskStep[]; conflicts: string[]; unchanged: number }

const nameKey = (name: readonly string[]) => name.join('\u0000');
const targetKey = (t: { kind: PolicyKind; table: { path: string[] }; column?: string | undefined }) =>
  `${t.kind}\u0001${t.table.path.join('\u0000')}\u0001${t.column ?? ''}`;
const targetName = (t: { kind: PolicyKind; table: { path: string[] }; column?: string | undefined }) =>
  t.kind === 'mask' ? `column ${t.table.path.join('.')}.${t.column ?? ''}` : `table ${t.table.path.join('.')}`;

/**
 * Desired policies vs what the warehouse holds -> steps, in an order that never leaves a protected target
 * unprotected between two statements: create or alter policy objects, attach or swap (one statement replaces
 * a policy), detach what is no longer wanted, drop our orphans. Only objects carrying our marker are altered,
 * detached or dropped; a foreign policy where we want ours is a conflict unless `takeover` is set.
 */
export function planMasking({ desired, state, takeover, takeoverSetting = 'CONNECTOR_<KIND>_MASKING_TAKEOVER', onlyColumn }: MaskingPlanInput): MaskingPlan {
  const inScope = (t: { kind: PolicyKind; column?: string | undefined }) =>
    onlyColumn === undefined || (t.kind === 'mask' && t.column === onlyColumn);
  const objects = new Map(state.policies.map((p) => [nameKey(p.name), p]));
  const attached = new Map(state.attachments.filter(inScope).map((a) => [targetKey(a), a]));
  const creates: MaskStep[] = [], alters: MaskStep[] = [], attaches: MaskStep[] = [], detaches: MaskStep[] = [], drops: MaskStep[] = [];
  const conflicts: string[] = [];
  const kept = new Set<string>();
  const released = new Map<string, { kind: PolicyKind; name: string[] }>();
  const wanted = new Set<string>();
  let unchanged = 0;

  for (const want of desired.filter(inScope)) {
    wanted.add(targetKey(want));
    const current = attached.get(targetKey(want));
    const object = objects.get(nameKey(want.name));
    if (object && !object.marker) {
      conflicts.push(`${targetName(want)}: ${want.name.join('.')} exists but was not created by policysync; it was left alone and nothing was attached`);
      continue;
    }
    if (current && nameKey(current.policy) === nameKey(want.name) && object?.marker) {
      kept.add(nameKey(want.name));
      if (object.marker.hash !== want.marker.hash) alters.push({ op: 'ALTER_BODY', policy: want, reason: `${want.reason} changed` });
      else unchanged++;
      continue;
    }
    const currentOurs = current ? objects.get(nameKey(current.policy))?.marker ?? null : null;
    if (current && !currentOurs && !takeover) {
      conflicts.push(`${targetName(want)}: a policy not created by policysync (${current.policy.join('.')}) is attached; ${want.reason} was not applied (set ${takeoverSetting}=true to replace it)`);
      continue;
    }
    if (!object) creates.push({ op: 'CREATE', policy: want, reason: want.reason });
    else if (object.marker?.hash !== want.marker.hash) alters.push({ op: 'ALTER_BODY', policy: want, reason: `${want.reason} changed` });
    kept.add(nameKey(want.name));
    if (!current) attaches.push({ op: 'ATTACH', policy: want, reason: want.reason });
    else {
      attaches.push({ op: 'SWAP', policy: want, from: current.policy, reason: currentOurs ? `${want.reason}: signature changed` : `${want.reason}: takes over ${current.policy.join('.')}` });
      if (currentOurs) released.set(nameKey(current.policy), { kind: want.kind, name: current.policy });
    }
  }

  for (const a of attached.values()) {
    if (wanted.has(targetKey(a)) || !objects.get(nameKey(a.policy))?.marker) continue;
    detaches.push(detach(a));
    released.set(nameKey(a.policy), { kind: a.kind, name: a.policy });
  }

  // What stays attached once the plan ran: a warehouse refuses to drop an attached policy.
  const after = new Map(state.attachments.map((a) => [targetKey(a), nameKey(a.policy)]));
  for (const s of attaches) if (s.op === 'ATTACH' || s.op === 'SWAP') after.set(targetKey(s.policy), nameKey(s.policy.name));
  for (const s of detaches) if (s.op === 'DETACH') after.delete(targetKey(s));
  const stillAttached = new Set(after.values());
  const orphans = onlyColumn === undefined
    ? state.policies.filter((p) => p.marker && !kept.has(nameKey(p.name)) && !stillAttached.has(nameKey(p.name)))
    : [];
  const toDrop = new Map([...released].filter(([k]) => !kept.has(k) && !stillAttached.has(k)));
  for (const p of orphans) toDrop.set(nameKey(p.name), { kind: p.kind, name: p.name });
  for (const p of toDrop.values()) drops.push({ op: 'DROP', kind: p.kind, policyName: p.name, reason: 'no longer attached; created by policysync' });

  return { steps: [...creates, ...alters, ...attaches, ...detaches, ...drops], conflicts, unchanged };
}

function detach(a: Attachment): MaskStep {
  return {
    op: 'DETACH', kind: a.kind, table: a.table, ...(a.column !== undefined ? { column: a.column } : {}), policyName: a.policy,
    reason: a.kind === 'mask' ? 'no Ranger masking policy covers this column any more' : 'no Ranger row-filter policy covers this table any more',
  };
}

/** A step as one line a person reads in a task's plan. */
export function describeMaskStep(s: MaskStep): { op: string; object: string; principal: string; privileges: string[]; reason: string } {
  const what = (kind: PolicyKind) => (kind === 'mask' ? 'masking policy' : 'row filter');
  switch (s.op) {
    case 'CREATE': case 'ALTER_BODY':
      return { op: s.op === 'CREATE' ? `CREATE ${what(s.policy.kind).toUpperCase()}` : `ALTER ${what(s.policy.kind).toUpperCase()} BODY`, object: s.policy.name.join('.'), principal: '', privileges: [], reason: s.reason };
    case 'ATTACH': case 'SWAP':
      return {
        op: `${s.op} ${what(s.policy.kind).toUpperCase()}`,
        object: s.policy.kind === 'mask' ? `column ${securableName(s.policy.table)}.${s.policy.column ?? ''}` : `${s.policy.table.kind} ${securableName(s.policy.table)}`,
        principal: '', privileges: [], reason: s.op === 'SWAP' ? `${s.reason} (replaces ${s.from.join('.')} with ${s.policy.name.join('.')})` : `${s.reason} (${s.policy.name.join('.')})`,
      };
    case 'DETACH':
      return { op: `DETACH ${what(s.kind).toUpperCase()}`, object: s.kind === 'mask' ? `column ${securableName(s.table)}.${s.column ?? ''}` : `${s.table.kind} ${securableName(s.table)}`, principal: '', privileges: [], reason: `${s.reason} (${s.policyName.join('.')})` };
    case 'DROP':
      return { op: `DROP ${what(s.kind).toUpperCase()}`, object: s.policyName.join('.'), principal: '', privileges: [], reason: s.reason };
  }
}
