import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  evaluateDataMask,
  evaluateRowFilter,
  isAccessAllowed,
  type PolicySnapshot,
  parsePolicies,
  type ResourceAcl,
  resourceAccessInfo,
  resourceAcl,
  type ServiceDef,
  serviceDefFromRanger,
} from '../../shared/policy/index.js';

/** Ranger's test files, copied unchanged from apache/ranger (see ranger-data/README.md). */
export const DATA_DIR = new URL('./ranger-data/', import.meta.url);

export interface ConformanceCase {
  file: string;
  name: string;
  run: () => void;
}

// Ranger's suites run "now"; none of the access cases depends on the time, and ACLs report schedules as conditional.
const DEFAULT_NOW = new Date('2026-01-01T00:00:00Z');

// Ranger's test files are read as they are, untyped; each runner below checks what it reads against the evaluator.
type Json = Record<string, any>;

export function loadCases(): ConformanceCase[] {
  const files = readdirSync(DATA_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.flatMap((file) => {
    const json = JSON.parse(readFileSync(new URL(file, DATA_DIR), 'utf8')) as Json;
    if (Array.isArray(json.tests)) return policyEngineCases(file, json);
    if (Array.isArray(json.testCases)) return aclProviderCases(file, json);
    return [downloadCase(file, json)];
  });
}

function policyEngineCases(file: string, json: Json): ConformanceCase[] {
  const def = serviceDefFromRanger(json.serviceDef);
  const snapshot = parsePolicies({ policies: json.policies, serviceName: json.serviceName });
  return (json.tests as Json[]).map((test) => ({
    file,
    name: test.name as string,
    run: () => runPolicyEngineTest(snapshot, def, test),
  }));
}

function runPolicyEngineTest(snapshot: PolicySnapshot, def: ServiceDef, test: Json): void {
  const req = test.request as Json;
  const request = {
    resource: (req.resource?.elements ?? {}) as Record<string, string | string[]>,
    accessType: (req.accessType ?? '') as string,
    user: (req.user ?? '') as string,
    userGroups: (req.userGroups ?? []) as string[],
    userRoles: (req.userRoles ?? []) as string[],
  };
  const opts = { now: req.accessTime ? new Date(req.accessTime) : DEFAULT_NOW };
  const expectedPolicyId = (id: number | undefined) => (id === undefined || id === -1 ? null : id);
  if (test.result) {
    const verdict = isAccessAllowed(snapshot, def, request, opts);
    expect({ isAllowed: verdict.isAllowed, policyId: verdict.policyId }).toEqual({
      isAllowed: test.result.isAllowed,
      policyId: expectedPolicyId(test.result.policyId),
    });
  } else if (test.dataMaskResult) {
    const verdict = evaluateDataMask(snapshot, def, request, opts);
    const info = test.dataMaskResult.additionalInfo ?? {};
    expect({
      maskType: verdict.dataMaskInfo?.dataMaskType ?? null,
      maskCondition: verdict.dataMaskInfo?.conditionExpr ?? null,
      maskValue: verdict.dataMaskInfo?.valueExpr ?? null,
      policyId: verdict.policyId,
    }).toEqual({
      maskType: info.maskType ?? null,
      maskCondition: info.maskCondition ?? null,
      maskValue: info.maskValue ?? null,
      policyId: expectedPolicyId(test.dataMaskResult.policyId),
    });
  } else if (test.rowFilterResult) {
    const verdict = evaluateRowFilter(snapshot, def, request, opts);
    expect({ filterExpr: verdict.rowFilterInfo?.filterExpr ?? null, policyId: verdict.policyId }).toEqual({
      filterExpr: test.rowFilterResult.additionalInfo?.filterExpr ?? null,
      policyId: expectedPolicyId(test.rowFilterResult.policyId),
    });
  } else if (test.resourceAccessInfo) {
    const info = resourceAccessInfo(snapshot, def, request, opts);
    const want = test.resourceAccessInfo as Json;
    const sorted = (v: unknown) => [...((v as string[] | undefined) ?? [])].sort();
    expect(info).toEqual({
      allowedUsers: sorted(want.allowedUsers),
      allowedGroups: sorted(want.allowedGroups),
      deniedUsers: sorted(want.deniedUsers),
      deniedGroups: sorted(want.deniedGroups),
    });
  } else {
    throw new Error(`case "${test.name}" has no expectation this runner understands`);
  }
}

function aclProviderCases(file: string, json: Json): ConformanceCase[] {
  return (json.testCases as Json[]).flatMap((testCase) => {
    const policies = testCase.servicePolicies as Json;
    const def = serviceDefFromRanger(policies.serviceDef);
    const snapshot = parsePolicies(policies);
    return (testCase.tests as Json[]).map((test) => ({
      file,
      name: `${testCase.name} / ${test.name}`,
      run: () => runAclTest(snapshot, def, test),
    }));
  });
}

const RESULT_NAMES: Record<number, string> = { [-1]: 'DENIED', 0: 'UNDETERMINED', 1: 'ALLOWED', 2: 'CONDITIONAL' };

function runAclTest(snapshot: PolicySnapshot, def: ServiceDef, test: Json): void {
  const scope =
    test.resourceMatchingScope === 'SELF_OR_DESCENDANTS' ? ('self_or_descendants' as const) : ('self' as const);
  const acl = resourceAcl(snapshot, def, test.resource.elements, { now: DEFAULT_NOW, scope });
  // Ranger's AccessResult equality compares the result, not the policy that set it; `_admin` (delegated policy
  // administration) is not an access the sync manages and is not modelled.
  expect(principals(acl.users)).toEqual(expectedPrincipals(test.userPermissions));
  expect(principals(acl.groups)).toEqual(expectedPrincipals(test.groupPermissions));
  expect(principals(acl.roles)).toEqual(expectedPrincipals(test.rolePermissions));
  if (test.dataMasks) {
    const column = test.resource.elements.column as string;
    expect((acl.masks[column] ?? []).map((m) => itemView(m, m.dataMaskInfo))).toEqual(
      (test.dataMasks as Json[]).map((m) => itemView(m, m.maskInfo)),
    );
  }
  if (test.rowFilters) {
    expect(acl.rowFilters.map((f) => itemView(f, f.rowFilterInfo))).toEqual(
      (test.rowFilters as Json[]).map((f) => itemView(f, f.filterInfo)),
    );
  }
}

function principals(table: ResourceAcl['users']): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(table).map(([name, accesses]) => [
      name,
      Object.fromEntries(Object.entries(accesses).map(([access, d]) => [access, d.result])),
    ]),
  );
}

function expectedPrincipals(table: Json | undefined): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, accesses] of Object.entries(table ?? {})) {
    const kept = Object.entries(accesses as Json)
      .filter(([access]) => access !== '_admin')
      .map(([access, r]) => [access, RESULT_NAMES[(r as Json).result as number] ?? String((r as Json).result)]);
    if (kept.length) out[name] = Object.fromEntries(kept);
  }
  return out;
}

function itemView(item: Json, info: Json | undefined) {
  const sorted = (v: unknown) => [...((v as string[] | undefined) ?? [])].sort();
  const cleanInfo = Object.fromEntries(Object.entries(info ?? {}).filter(([, v]) => v !== null && v !== undefined));
  return {
    users: sorted(item.users),
    groups: sorted(item.groups),
    roles: sorted(item.roles),
    accessTypes: sorted(item.accessTypes),
    info: cleanInfo,
    isConditional: Boolean(item.isConditional),
  };
}

/** A real policy download: it must parse whole, and every policy must evaluate against its own resources. */
function downloadCase(file: string, json: Json): ConformanceCase {
  return {
    file,
    name: `${file} parses as a ServicePolicies download and evaluates`,
    run: () => {
      const snapshot = parsePolicies(json);
      const def = serviceDefFromRanger(json.serviceDef);
      expect(snapshot.policies).toHaveLength((json.policies as unknown[]).length);
      expect(snapshot.version).toBe(json.policyVersion ?? null);
      for (const policy of snapshot.policies) {
        const resource = Object.fromEntries(Object.entries(policy.resources).map(([k, r]) => [k, r.values[0] ?? '*']));
        const first = resourceAcl(snapshot, def, resource, { now: DEFAULT_NOW });
        expect(resourceAcl(snapshot, def, resource, { now: DEFAULT_NOW })).toEqual(first);
      }
    },
  };
}
