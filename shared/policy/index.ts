export { type ResourceAccessInfo, resourceAccessInfo } from './access-info.js';
export {
  type AccessDecision,
  type AccessResult,
  type MaskDecision,
  type PrincipalAcls,
  type ResourceAcl,
  type ResourceAclOptions,
  type RowFilterDecision,
  resourceAcl,
  type ScheduleMode,
} from './acl.js';
export { PolicyError, type PolicyErrorCode } from './errors.js';
export { type AccessRequest, type AccessVerdict, type EvaluationOptions, isAccessAllowed } from './evaluate.js';
export { type FilePolicySourceOptions, filePolicySource } from './file-source.js';
export { type DataMaskVerdict, evaluateDataMask, evaluateRowFilter, type RowFilterVerdict } from './mask-filter.js';
export type { MatchType, RequestResource } from './match.js';
export {
  type DataMaskInfo,
  POLICY_PRIORITY_NORMAL,
  POLICY_PRIORITY_OVERRIDE,
  POLICY_TYPE_ACCESS,
  POLICY_TYPE_DATAMASK,
  POLICY_TYPE_ROWFILTER,
  type PolicySnapshot,
  type RangerDataMaskPolicyItem,
  type RangerPolicy,
  type RangerPolicyItem,
  type RangerPolicyResource,
  RangerPolicySchema,
  type RangerRowFilterPolicyItem,
  type RangerValiditySchedule,
  type RowFilterInfo,
  ServicePoliciesSchema,
} from './model.js';
export { parsePolicies } from './parse.js';
export type { RoleMembers } from './principal.js';
export { type RangerAdminSourceOptions, rangerAdminSource } from './ranger-admin-source.js';
export {
  databricksServiceDef,
  type ServiceDef,
  type ServiceDefAccessType,
  type ServiceDefResource,
  serviceDefFromRanger,
  snowflakeServiceDef,
} from './service-defs.js';
export type { PolicySource } from './source.js';
