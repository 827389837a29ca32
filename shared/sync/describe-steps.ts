import type { MaskStep, MaskStepOutcome, PolicyKind } from '../connectors/masking-port.js';
import type { PlanStep } from '../connectors/plan-step.js';
import { securableName } from '../connectors/securable.js';
import type { ResourceResult } from '../store/records.js';

type PlanLine = ResourceResult['plan'][number];

/** A grant step as one line a person reads in a task's plan. */
export const describeStep = (s: PlanStep): PlanLine => ({
  op: s.op,
  object: `${s.securable.kind} ${securableName(s.securable)}`,
  principal: `${s.principal.kind} ${s.principal.name}`,
  privileges: s.privileges,
  reason: s.reason,
});

/** A grant or revoke that was applied, for the resource's result. */
export const describeChange = (s: PlanStep) =>
  `${s.privileges.join(', ')} ON ${s.securable.kind.toUpperCase()} ${securableName(s.securable)} ${s.op === 'GRANT' ? 'TO' : 'FROM'} ${s.principal.kind.toUpperCase()} ${s.principal.name}`;

/** A masking step as one line a person reads in a task's plan. */
export function describeMaskStep(s: MaskStep): PlanLine {
  const what = (kind: PolicyKind) => (kind === 'mask' ? 'masking policy' : 'row filter');
  switch (s.op) {
    case 'CREATE':
    case 'ALTER_BODY':
      return {
        op:
          s.op === 'CREATE'
            ? `CREATE ${what(s.policy.kind).toUpperCase()}`
            : `ALTER ${what(s.policy.kind).toUpperCase()} BODY`,
        object: s.policy.name.join('.'),
        principal: '',
        privileges: [],
        reason: s.reason,
      };
    case 'ATTACH':
    case 'SWAP':
      return {
        op: `${s.op} ${what(s.policy.kind).toUpperCase()}`,
        object:
          s.policy.kind === 'mask'
            ? `column ${securableName(s.policy.table)}.${s.policy.column ?? ''}`
            : `${s.policy.table.kind} ${securableName(s.policy.table)}`,
        principal: '',
        privileges: [],
        reason:
          s.op === 'SWAP'
            ? `${s.reason} (replaces ${s.from.join('.')} with ${s.policy.name.join('.')})`
            : `${s.reason} (${s.policy.name.join('.')})`,
      };
    case 'DETACH':
      return {
        op: `DETACH ${what(s.kind).toUpperCase()}`,
        object:
          s.kind === 'mask'
            ? `column ${securableName(s.table)}.${s.column ?? ''}`
            : `${s.table.kind} ${securableName(s.table)}`,
        principal: '',
        privileges: [],
        reason: `${s.reason} (${s.policyName.join('.')})`,
      };
    case 'DROP':
      return {
        op: `DROP ${what(s.kind).toUpperCase()}`,
        object: s.policyName.join('.'),
        principal: '',
        privileges: [],
        reason: s.reason,
      };
  }
}

/** One line per masking step whose every statement succeeded, for the resource's result. */
export function appliedMaskChanges(outcomes: MaskStepOutcome[]): string[] {
  const steps = [...new Set(outcomes.map((o) => o.step))];
  return steps
    .filter((s) => outcomes.every((o) => o.step !== s || o.ok))
    .map((s) => {
      const d = describeMaskStep(s);
      return `${d.op} ${d.object}`;
    });
}
