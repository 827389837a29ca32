import { z } from 'zod';

/*
 * Apache Ranger's policy model (org.apache.ranger.plugin.model.RangerPolicy) as zod schemas: the one source of the
 * boundary types. Ranger omits empty collections and writes nulls freely, so every collection defaults to empty and
 * every optional scalar accepts null.
 */

const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);
const flag = (fallback: boolean) =>
  z
    .boolean()
    .nullish()
    .transform((v) => v ?? fallback);
/** Optional, and null where Ranger writes null: the key stays optional in the parsed type. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional());
const optionalText = optional(z.string());

/** Ranger writes dates as epoch milliseconds over REST and as `yyyyMMdd-HH:mm:ss.SSSZ` in exported files. */
export const RangerDateSchema = optional(z.union([z.number(), z.string()]));

export const PolicyItemAccessSchema = z.object({
  type: z.string().min(1),
  // An access written without isAllowed is granted: RangerPolicyItemAccess defaults isAllowed to true.
  isAllowed: flag(true),
});

export const PolicyItemConditionSchema = z.object({
  type: z.string(),
  values: list(z.string()),
});

const policyItemShape = {
  accesses: list(PolicyItemAccessSchema),
  users: list(z.string()),
  groups: list(z.string()),
  roles: list(z.string()),
  conditions: list(PolicyItemConditionSchema),
  delegateAdmin: flag(false),
};

export const PolicyItemSchema = z.object(policyItemShape);

export const DataMaskInfoSchema = z.object({
  dataMaskType: z.string().min(1),
  conditionExpr: optionalText,
  valueExpr: optionalText,
});

export const DataMaskPolicyItemSchema = z.object({ ...policyItemShape, dataMaskInfo: DataMaskInfoSchema });

export const RowFilterInfoSchema = z.object({ filterExpr: optionalText });

export const RowFilterPolicyItemSchema = z.object({ ...policyItemShape, rowFilterInfo: RowFilterInfoSchema });

export const PolicyResourceSchema = z.object({
  values: list(z.string()),
  isExcludes: flag(false),
  isRecursive: flag(false),
});

export const PolicyResourcesSchema = z.record(z.string(), PolicyResourceSchema);

export const ValidityScheduleSchema = z.object({
  // RangerValiditySchedule writes `yyyy/MM/dd HH:mm:ss` in `timeZone` (UTC when absent).
  startTime: optionalText,
  endTime: optionalText,
  timeZone: optionalText,
  recurrences: list(z.unknown()),
});

export const POLICY_TYPE_ACCESS = 0;
export const POLICY_TYPE_DATAMASK = 1;
export const POLICY_TYPE_ROWFILTER = 2;
export const POLICY_PRIORITY_NORMAL = 0;
export const POLICY_PRIORITY_OVERRIDE = 1;

export const RangerPolicySchema = z.object({
  id: optional(z.number().int()),
  guid: optionalText,
  name: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  service: optionalText,
  version: optional(z.number()),
  isEnabled: flag(true),
  isAuditEnabled: flag(true),
  policyType: z
    .union([z.literal(0), z.literal(1), z.literal(2)])
    .nullish()
    .transform((v) => v ?? POLICY_TYPE_ACCESS),
  policyPriority: z
    .number()
    .int()
    .nullish()
    .transform((v) => v ?? POLICY_PRIORITY_NORMAL),
  isDenyAllElse: flag(false),
  resources: PolicyResourcesSchema.nullish().transform((v) => v ?? {}),
  additionalResources: list(PolicyResourcesSchema),
  conditions: list(PolicyItemConditionSchema),
  policyItems: list(PolicyItemSchema),
  denyPolicyItems: list(PolicyItemSchema),
  allowExceptions: list(PolicyItemSchema),
  denyExceptions: list(PolicyItemSchema),
  dataMaskPolicyItems: list(DataMaskPolicyItemSchema),
  rowFilterPolicyItems: list(RowFilterPolicyItemSchema),
  validitySchedules: list(ValidityScheduleSchema),
  zoneName: optionalText,
  createTime: RangerDateSchema,
  updateTime: RangerDateSchema,
});

/** A ServicePolicies download (GET /service/plugins/policies/download/{service}) or an export with `policies`. */
export const ServicePoliciesSchema = z.object({
  serviceName: optionalText,
  serviceId: z.number().nullish(),
  policyVersion: z
    .number()
    .nullish()
    .transform((v) => v ?? null),
  policyUpdateTime: RangerDateSchema,
  policies: z.array(RangerPolicySchema),
  serviceDef: z.unknown().optional(),
});

export type RangerPolicy = z.infer<typeof RangerPolicySchema>;
export type RangerPolicyItem = z.infer<typeof PolicyItemSchema>;
export type RangerDataMaskPolicyItem = z.infer<typeof DataMaskPolicyItemSchema>;
export type RangerRowFilterPolicyItem = z.infer<typeof RowFilterPolicyItemSchema>;
export type RangerPolicyResource = z.infer<typeof PolicyResourceSchema>;
export type RangerValiditySchedule = z.infer<typeof ValidityScheduleSchema>;
export type DataMaskInfo = z.infer<typeof DataMaskInfoSchema>;
export type RowFilterInfo = z.infer<typeof RowFilterInfoSchema>;

/** A loaded policy set; `version` is Ranger's policyVersion and travels with every evaluation result. */
export interface PolicySnapshot {
  version: number | null;
  serviceName?: string;
  policies: RangerPolicy[];
  /** ISO time the source loaded it (set by sources; the evaluator never reads a clock). */
  loadedAt?: string;
  /**
   * What tells this policy set from another, set by its source: Ranger Admin's policyVersion, a policy file's content
   * hash (an edited file whose policyVersion was not bumped is still a new set). The policy watcher keys on it.
   */
  revision?: string;
}
