import { describe, expect, it } from 'vitest';
import { evaluateDataMask, evaluateRowFilter, snowflakeServiceDef } from '../../../shared/policy/index.js';
import { NOW, sf, snapshot } from './fixtures.js';

const ssn = {
  database: { values: ['SALES'] },
  schema: { values: ['PUBLIC'] },
  table: { values: ['CUSTOMERS'] },
  column: { values: ['SSN'] },
};
const maskItem = (who: Record<string, string[]>, dataMaskType: string, extra: Record<string, unknown> = {}) => ({
  accesses: [{ type: 'select' }],
  ...who,
  dataMaskInfo: { dataMaskType },
  ...extra,
});

const read = (
  snap: ReturnType<typeof snapshot>,
  user: string,
  groups: string[],
  resource = sf('SALES', 'PUBLIC', 'CUSTOMERS', 'SSN'),
) =>
  evaluateDataMask(
    snap,
    snowflakeServiceDef,
    { resource, accessType: 'select', user, userGroups: groups },
    { now: NOW },
  );

describe('evaluateDataMask', () => {
  it('the first matching item of a policy wins, in the order written', () => {
    const snap = snapshot({
      id: 1,
      policyType: 1,
      resources: ssn,
      dataMaskPolicyItems: [maskItem({ users: ['ann'] }, 'MASK_NONE'), maskItem({ groups: ['public'] }, 'MASK_HASH')],
    });
    expect(read(snap, 'ann', [])).toMatchObject({ dataMaskInfo: { dataMaskType: 'MASK_NONE' }, policyId: 1 });
    expect(read(snap, 'bob', [])).toMatchObject({ dataMaskInfo: { dataMaskType: 'MASK_HASH' }, policyId: 1 });
  });

  it('an OVERRIDE masking policy is consulted before NORMAL ones', () => {
    const snap = snapshot(
      {
        id: 1,
        name: 'a',
        policyType: 1,
        resources: ssn,
        dataMaskPolicyItems: [maskItem({ groups: ['public'] }, 'MASK_HASH')],
      },
      {
        id: 2,
        name: 'b',
        policyType: 1,
        policyPriority: 1,
        resources: ssn,
        dataMaskPolicyItems: [maskItem({ users: ['auditor'] }, 'MASK_NONE')],
      },
    );
    expect(read(snap, 'auditor', [])).toMatchObject({ dataMaskInfo: { dataMaskType: 'MASK_NONE' }, policyId: 2 });
  });

  it('returns no mask for other columns and for a table-level request', () => {
    const snap = snapshot({
      id: 1,
      policyType: 1,
      resources: ssn,
      dataMaskPolicyItems: [maskItem({ groups: ['public'] }, 'MASK')],
    });
    expect(read(snap, 'ann', [], sf('SALES', 'PUBLIC', 'CUSTOMERS', 'NAME')).dataMaskInfo).toBeNull();
    expect(read(snap, 'ann', [], sf('SALES', 'PUBLIC', 'CUSTOMERS')).dataMaskInfo).toBeNull();
  });
});

describe('evaluateRowFilter', () => {
  it('applies the first matching filter to a table request', () => {
    const snap = snapshot({
      id: 5,
      policyType: 2,
      resources: { database: { values: ['SALES'] }, schema: { values: ['*'] }, table: { values: ['CUSTOMERS'] } },
      rowFilterPolicyItems: [
        { accesses: [{ type: 'select' }], groups: ['emea'], rowFilterInfo: { filterExpr: "region = 'EMEA'" } },
      ],
    });
    const ask = (groups: string[]) =>
      evaluateRowFilter(
        snap,
        snowflakeServiceDef,
        { resource: sf('SALES', 'PUBLIC', 'CUSTOMERS'), accessType: 'select', user: 'ann', userGroups: groups },
        { now: NOW },
      );
    expect(ask(['emea'])).toEqual({ rowFilterInfo: { filterExpr: "region = 'EMEA'" }, policyId: 5, policyVersion: 7 });
    expect(ask(['apac']).rowFilterInfo).toBeNull();
  });
});
