import { bestMatch } from './evaluate.js';
import { hasMacro } from './macros.js';
import { isCompleteForPolicyType } from './mask-filter.js';
import { type MatchType, matchType, type RequestResource } from './match.js';
import { memoByPair } from './memo.js';
import {
  type DataMaskInfo,
  POLICY_TYPE_ACCESS,
  POLICY_TYPE_DATAMASK,
  POLICY_TYPE_ROWFILTER,
  type PolicySnapshot,
  type RangerDataMaskPolicyItem,
  type RangerPolicy,
  type RangerRowFilterPolicyItem,
  type RowFilterInfo,
} from './model.js';
import {
  ACCESS_ALLOWED,
  ACCESS_CONDITIONAL,
  ACCESS_DENIED,
  ACCESS_UNDETERMINED,
  policyAclSummary,
} from './policy-acl-summary.js';
import { candidatePolicies } from './policy-index.js';
import { GROUP_PUBLIC, type RoleMembers, USER_CURRENT } from './principal.js';
import { resourcesWithMacros } from './resource-matcher.js';
import { hasEnded, isInEffect } from './schedule.js';
import { resourceHierarchies, type ServiceDef } from './service-defs.js';

export type AccessResult = 'ALLOWED' | 'DENIED' | 'CONDITIONAL';
export interface AccessDecision {
  result: AccessResult;
  policyId: number | null;
}
export type PrincipalAcls = Record<string, Record<string, AccessDecision>>;

/** A masking item that may apply to a column, in Ranger order (the first one naming a reader wins for that reader). */
export interface MaskDecision {
  users: string[];
  groups: string[];
  roles: string[];
  accessTypes: string[];
  dataMaskInfo: DataMaskInfo;
  isConditional: boolean;
  policyId: number | null;
}
/** A row-filter item that may apply to a table, in Ranger order. */
export interface RowFilterDecision {
  users: string[];
  groups: string[];
  roles: string[];
  accessTypes: string[];
  rowFilterInfo: RowFilterInfo;
  isConditional: boolean;
  policyId: number | null;
}

export interface ResourceAcl {
  users: PrincipalAcls;
  groups: PrincipalAcls;
  roles: PrincipalAcls;
  /** Per column: the masking items that cover it. Columns come from opts.columns, the resource's own column, or the
   *  columns masking policies name explicitly. */
  masks: Record<string, MaskDecision[]>;
  /** For a table resource: the row-filter items that cover it. */
  rowFilters: RowFilterDecision[];
  policyVersion: number | null;
}

export type ScheduleMode = 'conditional' | 'at-now' | 'unless-ended';

export interface ResourceAclOptions {
  now: Date;
  /** Accepted for symmetry with isAccessAllowed; the ACL names roles as principals and does not expand them. */
  roleMembers?: RoleMembers;
  /**
   * Ranger's resourceMatchingScope. 'self' (Ranger's default): only policies covering the resource itself — a policy
   * on SALES.*.* (SELF_AND_ALL_DESCENDANTS) counts for {database: SALES}, a policy on SALES.PUBLIC.* does not.
   * 'self_or_descendants': policies on anything below count too (what "may X see anything in SALES" asks).
   */
  scope?: 'self' | 'self_or_descendants';
  /**
   * Validity schedules, one mode for every policy or `{access, masking}`: one for access policies and one for
   * data-mask and row-filter policies, so that one evaluation answers both what grants to hold and which native
   * masks to keep. 'conditional' (Ranger's getResourceACLs): every entry of a scheduled policy is CONDITIONAL,
   * even after the schedule has ended. 'at-now': decide with the injected clock — a policy out of effect at `now` is
   * ignored, one in effect counts as unconditional (unless its schedule recurs, which stays CONDITIONAL).
   * 'unless-ended': a policy whose every schedule has ended is ignored; any other scheduled policy is CONDITIONAL,
   * whether or not it is in effect now — what a native mask, which outlives `now`, needs to fail closed.
   */
  schedules?: ScheduleMode | { access: ScheduleMode; masking: ScheduleMode };
  /** Columns of a table resource to report masks for. */
  columns?: string[];
}

/**
 * Ranger's RangerPolicyEngine.getResourceACLs for one resource: who is ALLOWED, DENIED or CONDITIONAL for each access
 * type, plus masks and row filters. The sync grants only ALLOWED; DENIED and CONDITIONAL are reported, never granted.
 *
 * For the sync: call it with {database} for a database, {database, schema} for a schema, {database, schema, table}
 * for a table or view (Databricks: catalog/schema/table). Under Ranger's default scope a policy on
 * `database=SALES, schema=*, table=*` appears in the ACL of SALES itself (it covers SALES and everything below), while a
 * policy on `SALES.PUBLIC.ORDERS` appears only in the ACL of that table — the USAGE its readers need on SALES and
 * SALES.PUBLIC is the sync's parent rule, not a Ranger grant on the database.
 */
export function resourceAcl(
  snapshot: PolicySnapshot,
  def: ServiceDef,
  resource: RequestResource,
  opts: ResourceAclOptions,
): ResourceAcl {
  const acl = new AclBuilder();
  const modes =
    typeof opts.schedules === 'object'
      ? opts.schedules
      : { access: opts.schedules ?? 'conditional', masking: opts.schedules ?? 'conditional' };
  const isLive = (p: RangerPolicy, mode: ScheduleMode) =>
    mode === 'conditional' ||
    (mode === 'at-now' ? isInEffect(p.validitySchedules, opts.now) : !hasEnded(p.validitySchedules, opts.now));
  const matching = (policyType: number, target: RequestResource) => {
    const kind = policyType === POLICY_TYPE_ACCESS ? 'access' : 'masking';
    return candidatePolicies(snapshot.policies, def, target)
      .filter((p) => p.isEnabled && p.policyType === policyType && isLive(p, modes[kind]))
      .map((policy) => ({ policy, how: coverage(policy, target, def, opts.scope ?? 'self', modes[kind]) }))
      .filter((m): m is { policy: RangerPolicy; how: Coverage } => m.how !== null);
  };

  if (isCompleteForPolicyType(def, resource, POLICY_TYPE_ACCESS)) {
    let priority: number | undefined;
    for (const { policy, how } of matching(POLICY_TYPE_ACCESS, resource)) {
      // Entries decided at a higher priority are final before a lower-priority policy is considered.
      if (priority !== undefined && priority !== policy.policyPriority) acl.finalize();
      priority = policy.policyPriority;
      acl.addPolicy(policy, def, how.conditional);
    }
    acl.finalize();
  }

  // fromEntries defines own properties: a column named `__proto__` is a column, not the record's prototype.
  const masks: Record<string, MaskDecision[]> = Object.fromEntries(
    [...maskTargets(snapshot, def, resource, opts.columns)].map(([column, target]) => [
      column,
      matching(POLICY_TYPE_DATAMASK, target).flatMap(({ policy, how }) =>
        policy.dataMaskPolicyItems.map((item) => maskDecision(item, policy, how.conditional)),
      ),
    ]),
  );
  const rowFilters = isCompleteForPolicyType(def, resource, POLICY_TYPE_ROWFILTER)
    ? matching(POLICY_TYPE_ROWFILTER, resource).flatMap(({ policy, how }) =>
        policy.rowFilterPolicyItems.map((item) => rowFilterDecision(item, policy, how.conditional)),
      )
    : [];
  return { ...acl.result(), masks, rowFilters, policyVersion: snapshot.version };
}

interface Coverage {
  conditional: boolean;
}

/**
 * Whether the policy covers the resource and whether only conditionally: a resource value with a macro
 * (`{USER}`, `${{USER.dept}}`) matches only for some users, and custom conditions or validity schedules make every
 * entry of the policy depend on the request (RangerAbstractPolicyEvaluator.getResourceACLs).
 */
function coverage(
  policy: RangerPolicy,
  resource: RequestResource,
  def: ServiceDef,
  scope: 'self' | 'self_or_descendants',
  scheduleMode: ScheduleMode,
): Coverage | null {
  const covers = (m: MatchType) =>
    m === 'SELF' || m === 'SELF_AND_ALL_DESCENDANTS' || (scope === 'self_or_descendants' && m === 'DESCENDANT');
  let conditional = false;
  if (!covers(bestMatch(policy, resource, def, undefined))) {
    const withMacros = resourcesWithMacros(policy);
    if (!withMacros.some((r) => covers(matchType(r, resource, def, { kind: 'wildcard' })))) return null;
    conditional = true;
  }
  // Recurring schedules are not modelled, so even at a known time they stay CONDITIONAL.
  const scheduleUnknown =
    scheduleMode === 'at-now'
      ? policy.validitySchedules.some((s) => s.recurrences.length > 0)
      : policy.validitySchedules.length > 0;
  conditional ||= policy.conditions.length > 0 || scheduleUnknown;
  return { conditional };
}

/** Which columns to report masks for, each with the resource to match masking policies against. */
function maskTargets(
  snapshot: PolicySnapshot,
  def: ServiceDef,
  resource: RequestResource,
  columns: string[] | undefined,
): [string, RequestResource][] {
  if (isCompleteForPolicyType(def, resource, POLICY_TYPE_DATAMASK)) {
    const leaf = resourceHierarchies(def).find((h) => resource[h[h.length - 1]!] !== undefined);
    const column = leaf ? resource[leaf[leaf.length - 1]!] : undefined;
    return typeof column === 'string' ? [[column, resource]] : [];
  }
  if (!isCompleteForPolicyType(def, resource, POLICY_TYPE_ROWFILTER)) return [];
  const leafName = resourceHierarchies(def)
    .find((h) => h.length >= 2 && resource[h[h.length - 2]!] !== undefined)
    ?.at(-1);
  if (!leafName) return [];
  const names = columns ?? namedColumns(snapshot.policies, leafName);
  return names.map((name) => [name, { ...resource, [leafName]: name }]);
}

/** The columns masking policies name outright, found once per policy set rather than once per table. */
function namedColumns(policies: readonly RangerPolicy[], leafName: string): string[] {
  return namedColumnsOf(policies, leafName, () =>
    [
      ...new Set(
        policies
          .filter((p) => p.isEnabled && p.policyType === POLICY_TYPE_DATAMASK)
          .flatMap((p) => (p.resources[leafName]?.isExcludes ? [] : (p.resources[leafName]?.values ?? [])))
          .filter((v) => !v.includes('*') && !v.includes('?') && !hasMacro(v)),
      ),
    ].sort(),
  );
}
const namedColumnsOf = memoByPair<readonly RangerPolicy[], string, string[]>();

function maskDecision(item: RangerDataMaskPolicyItem, policy: RangerPolicy, conditional: boolean): MaskDecision {
  return {
    ...itemPrincipals(item),
    dataMaskInfo: item.dataMaskInfo,
    isConditional: conditional || item.conditions.length > 0,
    policyId: policy.id ?? null,
  };
}

function rowFilterDecision(
  item: RangerRowFilterPolicyItem,
  policy: RangerPolicy,
  conditional: boolean,
): RowFilterDecision {
  return {
    ...itemPrincipals(item),
    rowFilterInfo: item.rowFilterInfo,
    isConditional: conditional || item.conditions.length > 0,
    policyId: policy.id ?? null,
  };
}

/** `{USER}` in a masking or row-filter item means every reader: Ranger reports it as the group public. */
function itemPrincipals(item: RangerDataMaskPolicyItem | RangerRowFilterPolicyItem) {
  const users = item.users.filter((u) => u !== USER_CURRENT);
  const groups =
    item.users.includes(USER_CURRENT) && !item.groups.includes(GROUP_PUBLIC)
      ? [...item.groups, GROUP_PUBLIC]
      : [...item.groups];
  return { users, groups, roles: [...item.roles], accessTypes: item.accesses.map((a) => a.type) };
}

interface Entry {
  code: number;
  isFinal: boolean;
  policyId: number | null;
}

/** RangerResourceACLs: entries merged across policies; a DENIED entry, or one decided at a higher priority, is final. */
class AclBuilder {
  private readonly tables = {
    users: new Map<string, Map<string, Entry>>(),
    groups: new Map<string, Map<string, Entry>>(),
    roles: new Map<string, Map<string, Entry>>(),
  };

  addPolicy(policy: RangerPolicy, def: ServiceDef, conditional: boolean): void {
    const summary = policyAclSummary(policy, def);
    for (const kind of ['users', 'groups', 'roles'] as const) {
      for (const [name, accesses] of summary[kind]) {
        for (const [access, code] of accesses) {
          const value = conditional ? ACCESS_CONDITIONAL : code === ACCESS_UNDETERMINED ? ACCESS_DENIED : code;
          this.set(kind, name, access, value, policy.id ?? null);
        }
      }
    }
  }

  private set(
    kind: 'users' | 'groups' | 'roles',
    name: string,
    access: string,
    code: number,
    policyId: number | null,
  ): void {
    const perPrincipal = this.tables[kind].get(name) ?? new Map<string, Entry>();
    this.tables[kind].set(name, perPrincipal);
    const entry = perPrincipal.get(access);
    if (!entry) perPrincipal.set(access, { code, isFinal: code === ACCESS_DENIED, policyId });
    else if (!entry.isFinal) Object.assign(entry, { code, isFinal: code === ACCESS_DENIED, policyId });
  }

  /** RangerResourceACLs.finalizeAcls: where `public` is decided, undecided entries of everyone else give way. */
  finalize(): void {
    const everyone = this.tables.groups.get(GROUP_PUBLIC);
    for (const [access, entry] of everyone ?? []) {
      if (entry.code !== ACCESS_DENIED && entry.code !== ACCESS_ALLOWED) continue;
      for (const [name, perPrincipal] of [...this.tables.users, ...this.tables.groups]) {
        if (perPrincipal === everyone || name === GROUP_PUBLIC) continue;
        if (perPrincipal.get(access)?.isFinal === false) perPrincipal.delete(access);
      }
    }
    for (const table of Object.values(this.tables)) {
      for (const [name, perPrincipal] of table) {
        if (perPrincipal.size === 0) table.delete(name);
        else
          perPrincipal.forEach((e) => {
            e.isFinal = true;
          });
      }
    }
  }

  result(): Pick<ResourceAcl, 'users' | 'groups' | 'roles'> {
    const render = (table: Map<string, Map<string, Entry>>): PrincipalAcls =>
      Object.fromEntries(
        [...table]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([name, accesses]) => [
            name,
            Object.fromEntries(
              [...accesses]
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([access, e]) => [access, { result: resultName(e.code), policyId: e.policyId }]),
            ),
          ]),
      );
    return { users: render(this.tables.users), groups: render(this.tables.groups), roles: render(this.tables.roles) };
  }
}

function resultName(code: number): AccessResult {
  return code === ACCESS_ALLOWED ? 'ALLOWED' : code === ACCESS_CONDITIONAL ? 'CONDITIONAL' : 'DENIED';
}
