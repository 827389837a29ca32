export { PolicyError, type PolicyErrorCode } from './errors.js';
export {
  RangerPolicySchema, ServicePoliciesSchema, POLICY_TYPE_ACCESS, POLICY_TYPE_DATAMASK, POLICY_TYPE_ROWFILTER,
  POLICY_PRIORITY_NORMAL, POLICY_PRIORITY_OVERRIDE,
  type RangerPolicy, type RangerPolicyItem, type RangerDataMaskPolicyItem, type RangerRowFilterPolicyItem,
  type RangerPolicyResource, type RangerValiditySchedule, type DataMaskInfo, type RowFilterInfo, type PolicySnapshot,
} from './model.js';
export { parsePolicies } from './parse.js';
export {
  snowflakeServiceDef, databricksServiceDef, serviceDefFromRanger,
  type ServiceDef, type ServiceDefResource, type ServiceDefAccessType,
} from './service-defs.js';
export type { RequestResource, MatchType } from './match.js';
export { isAccessAllowed, type AccessRequest, type AccessVerdict, type EvaluationOptions } from './evaluate.js';
export { evaluateDataMask, evaluateRowFilter, type DataMaskVerdict, type RowFilterVerdict } from './mask-filter.js';
export {
  resourceAcl, type ResourceAcl, type ResourceAclOptions, type ScheduleMode, type AccessResult, type AccessDecision, type PrincipalAcls,
  type MaskDecision, type RowFilterDecision,
} from './acl.js';
export { resourceAccessInfo, type ResourceAccessInfo } from './access-info.js';
export type { RoleMembers } from './principal.js';
export type { PolicySource } from './source.js';
export { filePolicySource, type FilePolicySourceOptions } from './file-source.js';
export { rangerAdminSource, type RangerAdminSourceOptions } from './ranger-admin-source.js';
