import { describe, expect, it } from 'vitest';
import type { Connector } from '../../../shared/connectors/connector.js';
import type { LoadedResource } from '../../../shared/connectors/loaded-resource.js';
import type { MaskingPort, MaskingState } from '../../../shared/connectors/masking-port.js';
import { securableKey } from '../../../shared/connectors/securable.js';
import { snowflakeMaskingDialect } from '../../../shared/connectors/snowflake/masking-dialect.js';
import { SNOWFLAKE_PRIVILEGES, snowflakeProfile } from '../../../shared/connectors/snowflake/profile.js';
import { type PolicyReading, policyReading } from '../../../shared/plan/evaluation.js';
import { managedScope } from '../../../shared/plan/scope.js';
import { syncResource } from '../../../shared/sync/resource-sync.js';
import { readAndMaskPolicies } from '../../support/read-and-mask-policies.js';

const naming = { userRoleTemplate: '{name}', case: 'upper' as const };
const profile = snowflakeProfile(naming);
const schema = { kind: 'schema' as const, path: ['SALES', 'PUBLIC'] };
const tables = ['ORDERS', 'PEOPLE'].map((t) => ({ kind: 'table' as const, path: ['SALES', 'PUBLIC', t] }));
const loaded: LoadedResource = {
  root: schema,
  objects: [schema, ...tables],
  parents: [{ kind: 'database', path: ['SALES'] }],
  columns: {},
  grants: [],
};
const snapshot = readAndMaskPolicies('*', 2);

/** Counts each object's evaluations, by name, and which columns each was evaluated with. */
function counting(inner: PolicyReading) {
  const calls: { object: string; columns: string[] | undefined }[] = [];
  const policies: PolicyReading = {
    version: inner.version,
    evaluate: (securable, columns) => {
      calls.push({ object: `${securable.kind} ${securable.path.join('.')}`, columns });
      return inner.evaluate(securable, columns);
    },
  };
  return { calls, policies };
}

function connectorWith(masking: boolean): Connector {
  const port: MaskingPort = {
    dialect: snowflakeMaskingDialect(naming, 'GOV'),
    takeover: false,
    takeoverSetting: 'X',
    read: async (): Promise<MaskingState> => ({
      columns: Object.fromEntries(
        tables.map((t) => [
          securableKey(t),
          [
            { name: 'EMAIL', dataType: 'VARCHAR' },
            { name: 'ID', dataType: 'NUMBER(38,0)' },
          ],
        ]),
      ),
      attachments: [],
      policies: [],
    }),
    statements: (s) => [s.op],
    apply: async () => [],
  };
  return {
    kind: 'memory',
    capabilities: masking ? { masking: port } : {},
    load: async () => loaded,
    identity: async () => [{ kind: 'role', name: 'POLICYSYNC' }],
    apply: async () => [],
    close: async () => undefined,
  };
}

const ref = { type: 'schema', values: { database: 'SALES', schema: 'PUBLIC' } };
const scope = managedScope({ ignoreRoles: [], ignoreObjects: [], managedPrivileges: SNOWFLAKE_PRIVILEGES });

describe('a sync evaluates the policies once per object', () => {
  it("reads a table's grants and its masks from one evaluation, with its columns", async () => {
    const { calls, policies } = counting(policyReading(snapshot, profile, new Date('2026-01-01T00:00:00Z')));
    const out = await syncResource(ref, { connector: connectorWith(true), profile, scope, policies, dryRun: true });

    expect(calls).toEqual([
      { object: 'schema SALES.PUBLIC', columns: undefined },
      { object: 'table SALES.PUBLIC.ORDERS', columns: ['EMAIL', 'ID'] },
      { object: 'table SALES.PUBLIC.PEOPLE', columns: ['EMAIL', 'ID'] },
    ]);
    const ops = out.result!.plan.map((p) => `${p.op} ${p.object}`);
    expect(ops).toEqual(
      expect.arrayContaining([
        'GRANT table SALES.PUBLIC.ORDERS',
        'GRANT table SALES.PUBLIC.PEOPLE',
        'ATTACH MASKING POLICY column SALES.PUBLIC.ORDERS.EMAIL',
        'ATTACH MASKING POLICY column SALES.PUBLIC.PEOPLE.EMAIL',
      ]),
    );
  });

  it('evaluates each object once, without columns, where masks are not synced', async () => {
    const { calls, policies } = counting(policyReading(snapshot, profile, new Date('2026-01-01T00:00:00Z')));
    await syncResource(ref, { connector: connectorWith(false), profile, scope, policies, dryRun: true });
    expect(calls.map((c) => c.object)).toEqual([
      'schema SALES.PUBLIC',
      'table SALES.PUBLIC.ORDERS',
      'table SALES.PUBLIC.PEOPLE',
    ]);
    expect(calls.every((c) => c.columns === undefined)).toBe(true);
  });
});
