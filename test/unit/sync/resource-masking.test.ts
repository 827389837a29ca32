import { describe, expect, it } from 'vitest';
import type { Connector } from '../../../shared/connectors/connector.js';
import type { LoadedResource } from '../../../shared/connectors/loaded-resource.js';
import type { MaskingPort, MaskingState, MaskStep } from '../../../shared/connectors/masking-port.js';
import { securableKey } from '../../../shared/connectors/securable.js';
import { snowflakeMaskingDialect } from '../../../shared/connectors/snowflake/masking-dialect.js';
import { SNOWFLAKE_PRIVILEGES, snowflakeProfile } from '../../../shared/connectors/snowflake/profile.js';
import { policyReading } from '../../../shared/plan/evaluation.js';
import { managedScope } from '../../../shared/plan/scope.js';
import { syncResource } from '../../../shared/sync/resource-sync.js';
import { readAndMaskPolicies } from '../../support/read-and-mask-policies.js';

const naming = { userRoleTemplate: '{name}', case: 'upper' as const };
const table = { kind: 'table' as const, path: ['SALES', 'PUBLIC', 'T'] };
const loaded: LoadedResource = {
  root: table,
  objects: [table],
  parents: [
    { kind: 'database', path: ['SALES'] },
    { kind: 'schema', path: ['SALES', 'PUBLIC'] },
  ],
  columns: {},
  grants: [],
};
const snapshot = readAndMaskPolicies('T', 4);

function rig(
  applyOk: boolean,
  scope = { ignoreRoles: [] as string[], ignoreObjects: [] as string[], managedPrivileges: SNOWFLAKE_PRIVILEGES },
  identity = ['POLICYSYNC'],
) {
  const calls: string[] = [];
  const port: MaskingPort = {
    dialect: snowflakeMaskingDialect(naming, 'GOV'),
    takeover: false,
    takeoverSetting: 'X',
    read: async (): Promise<MaskingState> => {
      calls.push('mask read');
      return {
        columns: { [securableKey(table)]: [{ name: 'EMAIL', dataType: 'VARCHAR(100)' }] },
        attachments: [],
        policies: [],
      };
    },
    statements: (s: MaskStep) => [s.op],
    apply: async (steps) => {
      calls.push(...steps.map((s) => `mask ${s.op}`));
      return steps.map((step, i) => ({
        step,
        sql: step.op,
        ok: applyOk || i === 0,
        ...(applyOk || i === 0 ? {} : { error: 'refused' }),
      }));
    },
  };
  const connector: Connector = {
    kind: 'memory',
    capabilities: { masking: port },
    load: async () => loaded,
    identity: async () => identity.map((name) => ({ kind: 'role' as const, name })),
    apply: async (steps) => {
      calls.push(...steps.map((s) => `grant ${s.op}`));
      return steps.map((step) => ({ step, sql: step.op, ok: true }));
    },
    close: async () => undefined,
  };
  const deps = {
    connector,
    profile: snowflakeProfile(naming),
    policies: policyReading(snapshot, snowflakeProfile(naming), new Date('2026-01-01T00:00:00Z')),
    dryRun: false,
    scope: managedScope(scope),
  };
  return { calls, deps };
}
const ref = { type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'T' } };

describe('syncResource with a masking port', () => {
  it('protects columns before it grants anyone access', async () => {
    const { calls, deps } = rig(true);
    const out = await syncResource(ref, deps);
    expect(out.status).toBe('SUCCESS');
    expect(calls.indexOf('mask ATTACH')).toBeLessThan(calls.findIndex((c) => c.startsWith('grant')));
    expect(out.result!.masking).toEqual([
      expect.stringMatching(/^CREATE MASKING POLICY SALES\.GOV\.PUBLIC_T_EMAIL_STRING_MASK_[0-9A-F]{64}$/),
      'ATTACH MASKING POLICY column SALES.PUBLIC.T.EMAIL',
    ]);
  });

  it('holds every grant back when a masking statement fails', async () => {
    const { calls, deps } = rig(false);
    const out = await syncResource(ref, deps);
    expect(out.status).toBe('FAILED');
    expect(out.message).toMatch(/masking statement\(s\) failed, so no grant was applied/);
    expect(calls.some((c) => c.startsWith('grant'))).toBe(false);
  });

  it('lists masking steps with the grants in a dry run and applies nothing', async () => {
    const { calls, deps } = rig(true);
    const out = await syncResource(ref, { ...deps, dryRun: true });
    expect(calls).toEqual(['mask read']);
    expect(out.result!.plan.map((p) => p.op)).toEqual(
      expect.arrayContaining(['CREATE MASKING POLICY', 'ATTACH MASKING POLICY', 'GRANT']),
    );
    expect(out.message).toMatch(/^dry run: \d+ change/);
  });

  it('changes no mask or filter on a table IGNORE_OBJECTS names, and does not even read its masking state', async () => {
    const { calls, deps } = rig(true, {
      ignoreRoles: [],
      ignoreObjects: ['SALES.PUBLIC.T'],
      managedPrivileges: SNOWFLAKE_PRIVILEGES,
    });
    const out = await syncResource(ref, deps);
    expect(calls.filter((c) => c.startsWith('mask'))).toEqual([]);
    expect(out.result!.plan.filter((p) => /MASK|FILTER/.test(p.op))).toEqual([]);
  });

  it('grants no USAGE on the schema and database above a table IGNORE_OBJECTS names', async () => {
    const { calls, deps } = rig(true, {
      ignoreRoles: [],
      ignoreObjects: ['SALES.PUBLIC.T'],
      managedPrivileges: SNOWFLAKE_PRIVILEGES,
    });
    const out = await syncResource(ref, deps);
    expect(calls).toEqual([]);
    expect(out.result!.plan).toEqual([]);
  });

  it('changes no mask or filter when MANAGED_PRIVILEGES leaves SELECT out: they decide what a SELECT returns', async () => {
    const { calls, deps } = rig(true, { ignoreRoles: [], ignoreObjects: [], managedPrivileges: ['INSERT'] });
    const out = await syncResource(ref, deps);
    expect(calls.filter((c) => c.startsWith('mask'))).toEqual([]);
    expect(out.result!.plan).toEqual([]);
  });

  it('renders an item naming a role IGNORE_ROLES names as the policy says, and warns', async () => {
    const { deps } = rig(true, {
      ignoreRoles: ['ANALYST'],
      ignoreObjects: [],
      managedPrivileges: SNOWFLAKE_PRIVILEGES,
    });
    const out = await syncResource(ref, { ...deps, dryRun: true });
    expect(out.result!.plan.map((p) => p.op)).toEqual(['CREATE MASKING POLICY', 'ATTACH MASKING POLICY']);
    expect(out.result!.warnings).toContain(
      'column SALES.PUBLIC.T.EMAIL: policy 2 masks values for role ANALYST, which IGNORE_ROLES leaves out of the sync; ' +
        'its item is applied as the policy says (leaving it out could show that principal clearer data)',
    );
  });

  it("never grants to the connector's own role, even with IGNORE_ROLES empty, and says so", async () => {
    const { calls, deps } = rig(true, undefined, ['analyst']);
    const out = await syncResource(ref, deps);
    expect(calls.filter((c) => c.startsWith('grant'))).toEqual([]);
    expect(out.result!.warnings).toContain(
      "role ANALYST is the connector's own identity: the sync never grants or revokes anything to it, so 3 grant(s) the policies ask for were left out",
    );
  });
});
