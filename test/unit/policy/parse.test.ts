import { describe, expect, it } from 'vitest';
import { PolicyError, parsePolicies } from '../../../shared/policy/index.js';

const minimal = { id: 1, name: 'sales readers', resources: { database: { values: ['SALES'] } } };

describe('parsePolicies', () => {
  it('reads a ServicePolicies download with its version and service name', () => {
    const snap = parsePolicies({
      serviceName: 'sf_prod',
      policyVersion: 42,
      policyUpdateTime: 1700000000000,
      policies: [minimal],
      serviceDef: { name: 'x' },
    });
    expect(snap.version).toBe(42);
    expect(snap.serviceName).toBe('sf_prod');
    expect(snap.policies).toHaveLength(1);
  });

  it('reads an export {policies: [...]} and a bare array, without a version', () => {
    expect(parsePolicies({ policies: [minimal] }).version).toBeNull();
    expect(parsePolicies([minimal]).policies[0]!.name).toBe('sales readers');
  });

  it('fills what Ranger omits: empty item lists, enabled, normal priority, access policy type, granted accesses', () => {
    const [p] = parsePolicies([
      { ...minimal, policyItems: [{ accesses: [{ type: 'select' }], users: ['ann'] }] },
    ]).policies;
    expect(p).toMatchObject({
      isEnabled: true,
      policyType: 0,
      policyPriority: 0,
      isDenyAllElse: false,
      denyPolicyItems: [],
      validitySchedules: [],
    });
    expect(p!.policyItems[0]).toMatchObject({
      groups: [],
      roles: [],
      conditions: [],
      accesses: [{ type: 'select', isAllowed: true }],
    });
    expect(p!.resources.database).toEqual({ values: ['SALES'], isExcludes: false, isRecursive: false });
  });

  it('accepts dates as epoch milliseconds and as Ranger file timestamps, and nulls where Ranger writes them', () => {
    const [a, b] = parsePolicies([
      { ...minimal, createTime: 1700000000000, updateTime: null, description: null },
      { ...minimal, id: 2, createTime: '20170221-13:11:59.000-+0000' },
    ]).policies;
    expect(a!.createTime).toBe(1700000000000);
    expect(b!.createTime).toBe('20170221-13:11:59.000-+0000');
  });

  it('rejects a malformed policy with INVALID_POLICIES naming the JSON path of every problem', () => {
    const bad = { policies: [minimal, { id: 'two', resources: { table: { values: 'ORDERS' } } }] };
    try {
      parsePolicies(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyError);
      expect((error as PolicyError).code).toBe('INVALID_POLICIES');
      expect((error as PolicyError).message).toContain('policies.1.id');
      expect((error as PolicyError).message).toContain('policies.1.resources.table.values');
    }
  });

  it('rejects a document that holds no policies at all', () => {
    expect(() => parsePolicies({ hello: 'world' })).toThrow(PolicyError);
    expect(() => parsePolicies('nope')).toThrow(/ServicePolicies download/);
  });
});
