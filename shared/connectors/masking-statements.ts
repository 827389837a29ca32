import { ConnectorError } from './errors.js';
import type { MaskStep, MaskStepOutcome } from './masking-port.js';

/** One statement a step becomes, with its step for the outcome. */
export interface PlannedStatement {
  step: MaskStep;
  sql: string;
}

/**
 * The statements the steps become, in order; the first CREATE in each governance schema is preceded by
 * CREATE SCHEMA IF NOT EXISTS for it. `qualified` quotes a dotted name for the warehouse.
 */
export function plannedStatements(
  steps: MaskStep[],
  statementsOf: (step: MaskStep) => string[],
  qualified: (path: string[]) => string,
): PlannedStatement[] {
  const governance = new Set<string>();
  const planned: PlannedStatement[] = [];
  for (const step of steps) {
    if (step.op === 'CREATE') {
      const schema = step.policy.name.slice(0, 2);
      if (!governance.has(JSON.stringify(schema))) {
        governance.add(JSON.stringify(schema));
        planned.push({ step, sql: `CREATE SCHEMA IF NOT EXISTS ${qualified(schema)}` });
      }
    }
    for (const sql of statementsOf(step)) planned.push({ step, sql });
  }
  return planned;
}

/**
 * Runs the statements one per request (the session retries transient failures) and stops at the first failure, so a later
 * DETACH or DROP never runs after a failed ATTACH. Never a script: a CREATE or body change carries admin text,
 * which must stay one statement of its own.
 */
export async function applyOneAtATime(
  planned: PlannedStatement[],
  query: (sql: string) => Promise<unknown>,
): Promise<MaskStepOutcome[]> {
  const outcomes: MaskStepOutcome[] = [];
  let failed = false;
  for (const p of planned) {
    if (failed) {
      outcomes.push({ ...p, ok: false, error: 'not run: an earlier masking statement failed' });
      continue;
    }
    try {
      await query(p.sql);
      outcomes.push({ ...p, ok: true });
    } catch (err) {
      const e = err instanceof ConnectorError ? err : new ConnectorError('STATEMENT_FAILED', String(err));
      failed = true;
      outcomes.push({ ...p, ok: false, error: e.message, code: e.detail?.warehouseCode ?? e.code });
    }
  }
  return outcomes;
}
