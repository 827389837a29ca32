import { describe, expect, it } from 'vitest';
import type { DesiredGrant } from '../../../shared/plan/desired.js';
import type { ResourceResult } from '../../../shared/store/records.js';
import type { ResourceOutcome } from '../../../shared/sync/resource-sync.js';
import { ResultFold } from '../../../shared/sync/result-fold.js';

const result = (name: string, grants: number, extra: Partial<ResourceResult> = {}): ResourceResult => ({
  granted: Array.from({ length: grants }, (_, i) => `SELECT ${name}.T${i} R`),
  revoked: [],
  unchanged: 1,
  warnings: [],
  statements: Array.from({ length: grants }, (_, i) => ({ sql: `GRANT SELECT ON ${name}.T${i}`, ok: true })),
  plan: [],
  policyVersion: '7',
  ...extra,
});
const ok = (r: ResourceResult, neededAbove: DesiredGrant[] = []): ResourceOutcome => ({
  status: 'SUCCESS',
  message: 'ok',
  result: r,
  neededAbove,
});
const usage = (role: string): DesiredGrant => ({
  securable: { kind: 'database', path: ['SALES'] },
  principal: { kind: 'role', name: role },
  privilege: 'USAGE',
  reason: 'parent',
});

describe('ResultFold', () => {
  it('puts the top object first, keeps exact totals and says so when it cut a list', () => {
    const fold = new ResultFold('database', 5);
    fold.add(ok(result('S1', 3)));
    fold.add(ok(result('S2', 4)));
    const out = fold.outcome(2, ok(result('DB', 1)));
    expect(out.status).toBe('SUCCESS');
    expect(out.message).toBe('2 schema(s): 8 grant(s), 0 revoke(s), 3 unchanged');
    expect(out.result!.granted).toEqual([
      'SELECT DB.T0 R',
      'SELECT S1.T0 R',
      'SELECT S1.T1 R',
      'SELECT S1.T2 R',
      'SELECT S2.T0 R',
    ]);
    expect(out.result!.statements).toHaveLength(5);
    expect(out.result!.truncated).toBe(true);
    expect(out.result!.policyVersion).toBe('7');
  });

  it('does not mark a result that fitted', () => {
    const fold = new ResultFold('database', 5);
    fold.add(ok(result('S1', 2)));
    expect(fold.outcome(1, ok(result('DB', 0))).result!.truncated).toBeUndefined();
  });

  it("counts failed parts, naming the first, the top object's own failure before its parts'", () => {
    const fold = new ResultFold('database');
    fold.add({ status: 'FAILED', message: 'S1 broke' });
    fold.add(ok(result('S2', 1)));
    fold.add({ status: 'FAILED', message: 'S3 broke' });
    expect(fold.outcome(3, ok(result('DB', 0))).message).toMatch(/^2 part\(s\) failed; first: S1 broke \(3 schema/);
    expect(fold.outcome(3, { status: 'FAILED', message: 'DB broke' }).message).toMatch(
      /^3 part\(s\) failed; first: DB broke/,
    );
  });

  it('keeps each grant the parts need on the top object once, and nothing on other objects', () => {
    const fold = new ResultFold('database');
    const onSchema: DesiredGrant = { ...usage('A'), securable: { kind: 'schema', path: ['SALES', 'S1'] } };
    fold.add(ok(result('S1', 0), [usage('A'), usage('B'), onSchema]));
    fold.add(ok(result('S2', 0), [usage('A')]));
    expect(fold.neededOnTop().map((g) => g.principal.name)).toEqual(['A', 'B']);
  });

  it('holds at most its limit per list however many parts it folds', () => {
    const fold = new ResultFold('database', 100);
    for (let i = 0; i < 1_000; i++) fold.add(ok(result(`S${i}`, 10)));
    const out = fold.outcome(1_000, ok(result('DB', 0)));
    expect(out.result!.statements).toHaveLength(100);
    expect(out.message).toContain('10000 grant(s)');
  });
});
