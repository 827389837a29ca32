import { principalKey, securableKey } from '../../shared/connectors/securable.js';
import { policyReading } from '../../shared/plan/evaluation.js';
import { parsePolicies } from '../../shared/policy/parse.js';
import { type ResourceOutcome, syncResourceSafely } from '../../shared/sync/resource-sync.js';
import type { Prepared, Scenario, TableGrant } from './scenario.js';

export interface ScenarioResult {
  first: ResourceOutcome;
  second: ResourceOutcome;
  /** `has` and `lacks` grants as `PRIVILEGE principal on schema.table`, as the warehouse answered them. */
  present: string[];
  missing: string[];
  unexpected: string[];
}

/** Runs a scenario on a prepared target: sync, read the grants back from the warehouse, sync again. */
export async function runScenario(s: Scenario, p: Prepared, now = new Date()): Promise<ScenarioResult> {
  const snapshot = parsePolicies({
    serviceName: 'scenarios',
    policyVersion: 1,
    policies: s.policies.map((policy, i) => ({
      id: i + 1,
      name: `scenario ${i + 1}`,
      isEnabled: true,
      policyType: 0,
      resources: p.resources(policy.schema, policy.tables, policy.isExcludes),
      policyItems: [
        {
          accesses: [{ type: 'select', isAllowed: true }],
          groups: policy.groups.map((g) => p.principal(g)),
        },
      ],
    })),
  });
  const ref = p.ref(s.sync);
  const sync = () =>
    syncResourceSafely(ref, {
      connector: p.connector,
      profile: p.profile,
      scope: p.scope,
      policies: policyReading(snapshot, p.profile, now),
      dryRun: false,
    });
  const first = await sync();
  const held = new Set<string>();
  for (const t of [...s.expect.has, ...s.expect.lacks]) {
    const loaded = await p.connector.load(p.ref({ schema: t.schema, table: t.table }));
    if (loaded === 'not_found') continue;
    for (const g of loaded.grants)
      held.add(`${g.privilege.toUpperCase()} ${principalKey(g.principal)} ${securableKey(g.securable)}`);
  }
  const key = (g: TableGrant) =>
    `${g.privilege} ${principalKey(p.profile.principalFor('group', p.principal(g.principal)))} ${securableKey({ kind: 'table', path: p.path(g) })}`;
  const describe = (g: TableGrant) => `${g.privilege} ${g.principal} on ${g.schema}.${g.table}`;
  const second = await sync();
  return {
    first,
    second,
    present: s.expect.has.filter((g) => held.has(key(g))).map(describe),
    missing: s.expect.has.filter((g) => !held.has(key(g))).map(describe),
    unexpected: s.expect.lacks.filter((g) => held.has(key(g))).map(describe),
  };
}
