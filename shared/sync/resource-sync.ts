import type { Connector } from '../connectors/connector.js';
import { ConnectorError } from '../connectors/errors.js';
import type { LoadedResource } from '../connectors/loaded-resource.js';
import { type Grant, type Principal, principalKey, securableKey, securableName } from '../connectors/securable.js';
import type { SchemaPart } from '../connectors/table-range.js';
import { type DesiredGrant, desiredGrants, grantKey } from '../plan/desired.js';
import { evaluateObjects, type PolicyReading } from '../plan/evaluation.js';
import { maskedTables, planResourceMasking } from '../plan/masking/resource-masking.js';
import { plan, unchangedCount } from '../plan/plan.js';
import type { WarehouseProfile } from '../plan/profile.js';
import { isIdentity, type ManagedScope } from '../plan/scope.js';
import type { ResourceResult } from '../store/records.js';
import type { ResourceRef } from '../task/request.js';
import type { ResourceStatus } from '../task/status.js';
import { inResourceSpan } from '../telemetry/resource-span.js';
import { appliedMaskChanges, describeChange, describeMaskStep, describeStep } from './describe-steps.js';

export interface ResourceSyncDeps {
  connector: Connector;
  profile: WarehouseProfile;
  scope: ManagedScope;
  /** The policies, read once for the task: each loaded object is evaluated once, for its grants and its masks. */
  policies: PolicyReading;
  dryRun: boolean;
  /** Grants the containers below need on this object (their parent USAGE): desired, so never revoked. */
  neededBelow?: DesiredGrant[];
  /**
   * A unit of a fanned-out task: the grants its objects need on the objects above it are left to the top object's
   * own sync, which gets them as `neededBelow` once every unit has finished, instead of each unit granting the same
   * ones side by side.
   */
  leaveParentsToTop?: boolean;
  /** Aborted when the attempt lost its lease: the sync then stops before its next statement batch. */
  signal?: AbortSignal;
  /** A schema's slice or own part (table-range.ts) instead of the whole schema. */
  part?: SchemaPart;
}

export interface ResourceOutcome {
  status: ResourceStatus;
  message: string;
  result?: ResourceResult;
  /** The parent grants this resource's objects need on its ancestors (not stored; a database sync uses them). */
  neededAbove?: DesiredGrant[];
}

/** load -> read grants and masking state -> evaluate -> plan -> apply, for one requested resource. */
export async function syncResource(ref: ResourceRef, deps: ResourceSyncDeps): Promise<ResourceOutcome> {
  // Who we are is read once per worker instance, beside the first load.
  const [loaded, identity] = await Promise.all([deps.connector.load(ref, deps.part), deps.connector.identity()]);
  if (loaded === 'not_found')
    return { status: 'SKIPPED', message: `not found: ${ref.type} ${Object.values(ref.values).join('.')}` };

  // An object IGNORE_OBJECTS names asks for nothing, not even USAGE on the containers above it.
  const managed = loaded.objects.filter((s) => deps.scope.managesObject(s));
  const actual = loaded.grants;
  const port = deps.connector.capabilities.masking;
  const tablesWithMasks = port ? maskedTables(managed, deps.scope) : [];
  const maskedSet = new Set(tablesWithMasks);
  const state = port && tablesWithMasks.length > 0 ? await port.read(loaded) : undefined;
  const evaluated = evaluateObjects(
    managed,
    deps.policies,
    state && { tables: tablesWithMasks, columns: state.columns },
  );

  const desired = desiredGrants(evaluated, deps.profile);
  const wanted = new Set(desired.grants.map(grantKey));
  desired.grants.push(...(deps.neededBelow ?? []).filter((g) => !wanted.has(grantKey(g)) && wanted.add(grantKey(g))));
  const parentKeys = new Set(loaded.parents.map(securableKey));
  const neededAbove = desired.grants.filter((g) => parentKeys.has(securableKey(g.securable)));
  const withNeeds = (outcome: ResourceOutcome): ResourceOutcome => ({ ...outcome, neededAbove });
  const warnings = [
    ...desired.warnings,
    ...columnWarning(loaded),
    ...identityWarnings(desired.grants, actual, identity),
  ];
  const created: ResourceResult['statements'] = [];
  const missing = await missingPrincipals(
    desired.grants.map((g) => g.principal),
    deps,
    warnings,
    created,
  );
  const grantable = desired.grants.filter(
    (g) =>
      !missing.has(principalKey(g.principal)) && !(deps.leaveParentsToTop && parentKeys.has(securableKey(g.securable))),
  );
  const planned = plan({ desired: grantable, actual, revocable: loaded.objects, scope: deps.scope, identity });
  const masking =
    port && state
      ? planResourceMasking({
          tables: evaluated.filter((e) => maskedSet.has(e.securable)),
          state,
          port,
          policyVersion: deps.policies.version,
          profile: deps.profile,
          scope: deps.scope,
          ...(loaded.column !== undefined ? { onlyColumn: loaded.column } : {}),
        })
      : undefined;
  if (masking) warnings.push(...masking.warnings);
  // Fail closed: where a mask or row filter the policies want could not be put in place, granting would show
  // readers clear data, so no grant goes to that table or view until it can be protected.
  const unprotected = new Set((masking?.unprotected ?? []).map(securableKey));
  const steps = planned.filter((s) => !(s.op === 'GRANT' && unprotected.has(securableKey(s.securable))));
  const withheld = planned.length - steps.length;
  const unprotectedNote =
    unprotected.size === 0
      ? undefined
      : `masks or row filters the policies want could not be put in place on ${[...new Set((masking?.unprotected ?? []).map((t) => `${t.kind} ${securableName(t)}`))].join(', ')} (see the warnings), so ${withheld} grant(s) to ${unprotected.size === 1 ? 'it were' : 'them were'} withheld`;
  const base = {
    unchanged: unchangedCount(grantable, actual) + (masking?.unchanged ?? 0),
    warnings,
    plan: [...(masking?.steps ?? []).map(describeMaskStep), ...steps.map(describeStep)],
    policyVersion: deps.policies.version,
  };
  const maskSteps = masking?.steps ?? [];

  if (deps.dryRun || (steps.length === 0 && maskSteps.length === 0)) {
    return withNeeds({
      status: unprotectedNote && !deps.dryRun ? 'FAILED' : 'SUCCESS',
      message: deps.dryRun
        ? `dry run: ${steps.length + maskSteps.length} change(s) planned${unprotectedNote ? `; ${unprotectedNote}` : ''}`
        : (unprotectedNote ?? 'already in sync'),
      result: { ...base, granted: [], revoked: [], statements: created, dryRun: deps.dryRun },
    });
  }

  // Masks and filters go first: a reader granted access by this sync never sees a column before it is protected.
  deps.signal?.throwIfAborted();
  const maskOutcomes = port && maskSteps.length > 0 ? await port.apply(maskSteps) : [];
  const maskFailed = maskOutcomes.filter((o) => !o.ok);
  const maskStatements = maskOutcomes.map((o) => ({ sql: o.sql, ok: o.ok, ...(o.error ? { error: o.error } : {}) }));
  const masked = appliedMaskChanges(maskOutcomes);
  if (maskFailed.length > 0) {
    const first = maskFailed[0]!;
    return withNeeds({
      status: 'FAILED',
      message: `${maskFailed.length} masking statement(s) failed, so no grant was applied; first: ${first.sql} -> ${first.error}`,
      result: { ...base, granted: [], revoked: [], statements: [...created, ...maskStatements], masking: masked },
    });
  }
  deps.signal?.throwIfAborted();
  const outcomes = steps.length > 0 ? await deps.connector.apply(steps) : [];
  const done = outcomes.filter((o) => o.ok);
  const vanished = outcomes.filter((o) => !o.ok && o.code === 'NOT_FOUND');
  const failed = outcomes.filter((o) => !o.ok && o.code !== 'NOT_FOUND');
  const result: ResourceResult = {
    ...base,
    granted: done.filter((o) => o.step.op === 'GRANT').map((o) => describeChange(o.step)),
    revoked: done.filter((o) => o.step.op === 'REVOKE').map((o) => describeChange(o.step)),
    statements: [
      ...created,
      ...maskStatements,
      ...outcomes.map((o) => ({ sql: o.sql, ok: o.ok, ...(o.error ? { error: o.error } : {}) })),
    ],
    ...(masked.length > 0 ? { masking: masked } : {}),
  };
  // An object dropped while we synced it has converged: its grants went with it.
  if (vanished.length > 0)
    result.warnings.push(`${vanished.length} object(s) disappeared during the sync; their grants went with them`);
  if (failed.length > 0) {
    const first = failed[0]!;
    return withNeeds({
      status: 'FAILED',
      message: `${failed.length} of ${outcomes.length} statement(s) failed; first: ${first.sql} -> ${first.error}`,
      result,
    });
  }
  if (unprotectedNote) return withNeeds({ status: 'FAILED', message: unprotectedNote, result });
  const maskNote = masked.length > 0 ? `, ${masked.length} masking change(s)` : '';
  return withNeeds({
    status: 'SUCCESS',
    message: `${result.granted.length} grant(s), ${result.revoked.length} revoke(s) applied${maskNote}`,
    result,
  });
}

/**
 * Runs `syncResource` and turns what it throws into the resource's outcome: never throws. Each statement was already
 * retried by its session (connectors/retry-policy.ts): a failure that reaches here is final.
 */
export function syncResourceSafely(ref: ResourceRef, deps: ResourceSyncDeps): Promise<ResourceOutcome> {
  return inResourceSpan(ref, async () => {
    try {
      return { outcome: await syncResource(ref, deps) };
    } catch (err) {
      if (err instanceof ConnectorError && err.code === 'NOT_FOUND')
        return { outcome: { status: 'SKIPPED', message: `not found: ${err.message}` } };
      return {
        outcome: {
          status: 'FAILED',
          message: err instanceof ConnectorError ? err.message : `unexpected error: ${(err as Error).message}`,
        },
        error: err,
      };
    }
  });
}

/**
 * The principals the desired grants name that the warehouse lacks: created when allowed (not in a dry run),
 * otherwise reported, and their grants left out rather than failing the statements.
 */
async function missingPrincipals(
  wanted: Principal[],
  deps: ResourceSyncDeps,
  warnings: string[],
  created: ResourceResult['statements'],
): Promise<Set<string>> {
  const directory = deps.connector.capabilities.principals;
  if (!directory) return new Set();
  const existing = new Set((await directory.existing()).map(principalKey));
  const missing = new Map(wanted.filter((p) => !existing.has(principalKey(p))).map((p) => [principalKey(p), p]));
  for (const [key, p] of missing) {
    if (directory.create) {
      if (deps.dryRun) {
        warnings.push(`${p.kind} ${p.name} does not exist; a real run creates it`);
        missing.delete(key);
        continue;
      }
      deps.signal?.throwIfAborted();
      const outcome = await directory.create(p);
      created.push(outcome);
      if (outcome.ok) {
        missing.delete(key);
        continue;
      }
      warnings.push(`${p.kind} ${p.name} could not be created: ${outcome.error}`);
      continue;
    }
    warnings.push(
      `${p.kind} ${p.name} does not exist in the warehouse; its grants were not applied (${directory.remedy})`,
    );
  }
  return new Set(missing.keys());
}

/** One line per principal of ours that the policies would grant something it lacks: the plan leaves those out. */
function identityWarnings(desired: DesiredGrant[], actual: Grant[], identity: Principal[]): string[] {
  const ourself = isIdentity(identity);
  const have = new Set(actual.map(grantKey));
  const missing = new Map<string, { principal: Principal; count: number }>();
  for (const g of desired) {
    if (!ourself(g.principal) || have.has(grantKey(g))) continue;
    const entry = missing.get(principalKey(g.principal)) ?? { principal: g.principal, count: 0 };
    entry.count++;
    missing.set(principalKey(g.principal), entry);
  }
  return [...missing.values()].map(
    ({ principal, count }) =>
      `${principal.kind.replace('_', ' ')} ${principal.name} is the connector's own identity: the sync never grants or revokes anything to it, so ${count} grant(s) the policies ask for were left out`,
  );
}

function columnWarning(loaded: LoadedResource): string[] {
  return loaded.column
    ? [`column ${loaded.column}: grants are table-level; the table ${securableName(loaded.root)} was synced`]
    : [];
}
