/** Ranger policy JSON as users export it, for tests: each warehouse's support module fills in its resource keys. */
type Values = Record<string, { values: string[] }>;
/** Who an item names: Ranger groups (Unity Catalog tests) or Ranger roles (Snowflake tests). */
export type Holders = { groups: string[] } | { roles: string[] };

/** A masking policy (policyType 1) on one column: `holders` see it through `dataMaskType`. */
export const maskPolicyJson = (
  id: number,
  resources: Values,
  holders: Holders,
  dataMaskType: string,
  valueExpr?: string,
) => ({
  id,
  name: `mask ${id}`,
  policyType: 1,
  isEnabled: true,
  resources,
  dataMaskPolicyItems: [
    {
      accesses: [{ type: 'select', isAllowed: true }],
      ...holders,
      dataMaskInfo: { dataMaskType, ...(valueExpr ? { valueExpr } : {}) },
    },
  ],
});

/** A row-filter policy (policyType 2) on one table: `holders` see the rows `filterExpr` keeps. */
export const rowFilterPolicyJson = (id: number, resources: Values, holders: Holders, filterExpr: string) => ({
  id,
  name: `filter ${id}`,
  policyType: 2,
  isEnabled: true,
  resources,
  rowFilterPolicyItems: [
    { accesses: [{ type: 'select', isAllowed: true }], ...holders, rowFilterInfo: { filterExpr } },
  ],
});
