import { parsePolicies } from '../../shared/policy/index.js';

/** Ranger policies for SALES.PUBLIC.<table>: ANALYST may read it, and its EMAIL column is hashed for ANALYST. */
export function readAndMaskPolicies(table: string, policyVersion: number) {
  const resources = { database: { values: ['SALES'] }, schema: { values: ['PUBLIC'] }, table: { values: [table] } };
  return parsePolicies({
    policyVersion,
    policies: [
      {
        id: 1,
        name: 'read',
        policyType: 0,
        resources,
        policyItems: [{ accesses: [{ type: 'select' }], roles: ['analyst'] }],
      },
      {
        id: 2,
        name: 'mask',
        policyType: 1,
        resources: { ...resources, column: { values: ['EMAIL'] } },
        dataMaskPolicyItems: [
          { accesses: [{ type: 'select' }], roles: ['analyst'], dataMaskInfo: { dataMaskType: 'MASK_HASH' } },
        ],
      },
    ],
  });
}
