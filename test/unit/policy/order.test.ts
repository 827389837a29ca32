import { describe, expect, it } from 'vitest';
import { snowflakeServiceDef } from '../../../shared/policy/index.js';
import { inEvaluationOrder } from '../../../shared/policy/order.js';
import { policy } from './fixtures.js';

const db = (values: string[]) => ({ database: { values } });
const ids = (...ps: ReturnType<typeof policy>[]) => inEvaluationOrder(ps, snowflakeServiceDef).map((p) => p.id);

describe('policy evaluation order', () => {
  it('puts OVERRIDE policies before NORMAL ones', () => {
    expect(
      ids(policy({ id: 1, resources: db(['A']) }), policy({ id: 2, policyPriority: 1, resources: db(['A']) })),
    ).toEqual([2, 1]);
  });

  it('puts policies that can deny before those that only allow, within a priority', () => {
    const allowOnly = policy({
      id: 1,
      resources: db(['A']),
      policyItems: [{ accesses: [{ type: 'select' }], users: ['u'] }],
    });
    const denying = policy({
      id: 2,
      resources: db(['A']),
      denyPolicyItems: [{ accesses: [{ type: 'select' }], users: ['u'] }],
    });
    const denyAllElse = policy({ id: 3, resources: db(['A']), isDenyAllElse: true });
    expect(ids(allowOnly, denying, denyAllElse)).toEqual([2, 3, 1]);
  });

  it('puts broader policies first (Ranger eval order), then orders by name and id', () => {
    const narrow = policy({ id: 1, name: 'a', resources: db(['SALES']) });
    const broad = policy({ id: 2, name: 'b', resources: db(['*']) });
    expect(ids(narrow, broad)).toEqual([2, 1]);
    expect(
      ids(policy({ id: 5, name: 'y', resources: db(['A']) }), policy({ id: 4, name: 'x', resources: db(['A']) })),
    ).toEqual([4, 5]);
    expect(
      ids(policy({ id: 9, name: 'same', resources: db(['A']) }), policy({ id: 8, name: 'same', resources: db(['A']) })),
    ).toEqual([8, 9]);
  });
});
