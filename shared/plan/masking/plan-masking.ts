import type {
  Attachment,
  DesiredPolicy,
  ExistingPolicy,
  MaskingState,
  MaskStep,
  PolicyKind,
} from '../../connectors/masking-port.js';
import type { Securable } from '../../connectors/securable.js';
import { isMadeFor, isOursOfUnknownTarget, type PolicyTarget } from './marker.js';

export interface MaskingPlanInput {
  desired: DesiredPolicy[];
  state: MaskingState;
  /** The tables and views whose masks and row filters this sync owns (the managed ones it loaded). */
  tables: Securable[];
  /** Replace a foreign policy attached where we want ours (CONNECTOR_<KIND>_MASKING_TAKEOVER=true). */
  takeover: boolean;
  /** Named in conflict messages: the setting that would allow a takeover. */
  takeoverSetting?: string;
  /** A column task: only that column's mask is ours to change, never the table's other columns or its filter. */
  onlyColumn?: string;
}

/** `unprotected`: tables and views where a mask or row filter the policies want could not be put in place. */
export interface MaskingPlan {
  steps: MaskStep[];
  warnings: string[];
  unchanged: number;
  unprotected: Securable[];
}

const nameKey = (name: readonly string[]) => JSON.stringify(name);
const targetKey = (t: PolicyTarget) => JSON.stringify([t.kind, t.table, t.column ?? null]);
const targetName = (t: PolicyTarget) =>
  t.kind === 'mask' ? `column ${t.table.join('.')}.${t.column ?? ''}` : `table ${t.table.join('.')}`;
const targetOf = (a: { kind: PolicyKind; table: Securable; column?: string | undefined }): PolicyTarget =>
  a.kind === 'mask'
    ? { kind: 'mask', table: a.table.path, column: a.column ?? '' }
    : { kind: 'filter', table: a.table.path };

/** Why an existing object is not ours to change for a target. */
function notOurs(p: ExistingPolicy | undefined): string {
  if (!p?.marker) return 'not created by policysync';
  if (!p.marker.target) return 'marked by an earlier policysync without the target it was made for';
  return `made by policysync for ${targetName(p.marker.target)}`;
}

/**
 * Desired policies vs what the warehouse holds -> steps, in an order that never leaves a protected target
 * unprotected between two statements: create or alter policy objects, attach or swap (one statement replaces
 * a policy), detach what is no longer wanted, drop our orphans.
 *
 * Ownership is the marker's: an object is altered or dropped only for the exact target its marker names, and
 * only when that target is one this sync owns. An object whose marker names another target is never altered,
 * detached or dropped here, and a foreign policy where we want ours is a conflict unless `takeover` is set.
 * An object marked by an earlier version (no target) is ours but of unknown target: where it is attached to a
 * target of this sync it may be replaced or detached there — that changes only this target — but it is never
 * altered or dropped, since under the earlier names one object could serve several targets; a warning names it.
 */
export function planMasking({
  desired,
  state,
  tables,
  takeover,
  takeoverSetting = 'CONNECTOR_<KIND>_MASKING_TAKEOVER',
  onlyColumn,
}: MaskingPlanInput): MaskingPlan {
  const owned = new Set(tables.map((t) => nameKey(t.path)));
  const inScope = (t: PolicyTarget) =>
    owned.has(nameKey(t.table)) && (onlyColumn === undefined || (t.kind === 'mask' && t.column === onlyColumn));
  const objects = new Map(state.policies.map((p) => [nameKey(p.name), p]));
  const attached = new Map(
    state.attachments.filter((a) => inScope(targetOf(a))).map((a) => [targetKey(targetOf(a)), a]),
  );
  const creates: MaskStep[] = [],
    alters: MaskStep[] = [],
    attaches: MaskStep[] = [],
    detaches: MaskStep[] = [],
    drops: MaskStep[] = [];
  const warnings: string[] = [];
  const kept = new Set<string>();
  const wanted = new Set<string>();
  const unhooked = new Map<string, { name: string[]; from: PolicyTarget }>();
  let unchanged = 0;
  const unprotected: Securable[] = [];

  for (const want of desired) {
    const target = want.marker.target;
    if (!inScope(target)) continue;
    wanted.add(targetKey(target));
    const current = attached.get(targetKey(target));
    const object = objects.get(nameKey(want.name));
    if (object && !isMadeFor(object, target)) {
      warnings.push(
        `${targetName(target)}: ${want.name.join('.')} exists but was ${notOurs(object)}; it was left alone and nothing was attached`,
      );
      unprotected.push(want.table);
      continue;
    }
    if (current && object && nameKey(current.policy) === nameKey(want.name)) {
      kept.add(nameKey(want.name));
      if (object.marker!.hash !== want.marker.hash)
        alters.push({ op: 'ALTER_BODY', policy: want, reason: `${want.reason} changed` });
      else unchanged++;
      continue;
    }
    const was = current ? objects.get(nameKey(current.policy)) : undefined;
    const ours = isMadeFor(was, target);
    const earlier = isOursOfUnknownTarget(was);
    if (current && !ours && !earlier && !takeover) {
      warnings.push(
        `${targetName(target)}: a policy ${notOurs(was)} (${current.policy.join('.')}) is attached; ${want.reason} was not applied (set ${takeoverSetting}=true to replace it)`,
      );
      unprotected.push(want.table);
      continue;
    }
    if (!object) creates.push({ op: 'CREATE', policy: want, reason: want.reason });
    else if (object.marker!.hash !== want.marker.hash)
      alters.push({ op: 'ALTER_BODY', policy: want, reason: `${want.reason} changed` });
    kept.add(nameKey(want.name));
    if (!current) {
      attaches.push({ op: 'ATTACH', policy: want, reason: want.reason });
      continue;
    }
    const why = ours
      ? 'signature changed'
      : earlier
        ? `replaces ${current.policy.join('.')}, made by an earlier policysync`
        : `takes over ${current.policy.join('.')}`;
    attaches.push({ op: 'SWAP', policy: want, from: current.policy, reason: `${want.reason}: ${why}` });
    if (earlier) unhooked.set(nameKey(current.policy), { name: current.policy, from: target });
  }

  for (const a of attached.values()) {
    const target = targetOf(a);
    if (wanted.has(targetKey(target))) continue;
    const p = objects.get(nameKey(a.policy));
    if (isMadeFor(p, target)) detaches.push(detach(a));
    else if (isOursOfUnknownTarget(p)) {
      detaches.push(detach(a));
      unhooked.set(nameKey(a.policy), { name: a.policy, from: target });
    }
  }

  // What stays attached once the plan ran: a warehouse refuses to drop an attached policy.
  const after = new Map(state.attachments.map((a) => [targetKey(targetOf(a)), nameKey(a.policy)]));
  for (const s of attaches)
    if (s.op === 'ATTACH' || s.op === 'SWAP') after.set(targetKey(s.policy.marker.target), nameKey(s.policy.name));
  for (const s of detaches) if (s.op === 'DETACH') after.delete(targetKey(targetOf(s)));
  const stillAttached = new Set(after.values());
  for (const p of state.policies) {
    const target = p.marker?.target;
    if (
      !target ||
      !isMadeFor(p, target) ||
      !inScope(target) ||
      kept.has(nameKey(p.name)) ||
      stillAttached.has(nameKey(p.name))
    )
      continue;
    drops.push({
      op: 'DROP',
      kind: p.kind,
      policyName: p.name,
      reason: `no longer attached; created by policysync for ${targetName(target)}`,
    });
  }
  for (const { name, from } of unhooked.values()) {
    warnings.push(
      `${name.join('.')} was replaced or detached on ${targetName(from)} but not dropped: it was ${notOurs(objects.get(nameKey(name)))}, so it may still serve another table; drop it once nothing uses it`,
    );
  }

  return { steps: [...creates, ...alters, ...attaches, ...detaches, ...drops], warnings, unchanged, unprotected };
}

function detach(a: Attachment): MaskStep {
  return {
    op: 'DETACH',
    kind: a.kind,
    table: a.table,
    ...(a.column !== undefined ? { column: a.column } : {}),
    policyName: a.policy,
    reason:
      a.kind === 'mask'
        ? 'no Ranger masking policy covers this column any more'
        : 'no Ranger row-filter policy covers this table any more',
  };
}
