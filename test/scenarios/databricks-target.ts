import { randomBytes } from 'node:crypto';
import { type DatabricksEmulator, startDatabricksEmulator } from '../../dev/emulators/databricks/index.js';
import { DatabricksConnector } from '../../shared/connectors/databricks/databricks-connector.js';
import { qualified, quoteIdent } from '../../shared/connectors/databricks/dialect.js';
import { DATABRICKS_PRIVILEGES, databricksProfile } from '../../shared/connectors/databricks/profile.js';
import { DatabricksSession, type DatabricksSettings } from '../../shared/connectors/databricks/session.js';
import { managedScope } from '../../shared/plan/scope.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { type Prepared, type Scenario, type ScratchTable, type Target, undoLog } from './scenario.js';

/** Unity Catalog stores names in lower case: the scenarios' names are read that way here. */
const lower = (name: string) => name.toLowerCase();

/** A Unity Catalog target's names for one run: a catalog, schemas under a prefix, and its principals. */
interface Naming {
  catalog: string;
  schema(name: string): string;
  principal(name: string): string;
}

function prepared(connector: DatabricksConnector, n: Naming, s: Scenario, identity: string[]): Prepared {
  return {
    connector,
    profile: databricksProfile({ userRoleTemplate: '{name}', case: 'preserve' }),
    scope: managedScope({
      ignoreRoles: ['admins', 'account users', ...identity, ...(s.ignored ?? []).map(n.principal)],
      ignoreObjects: [],
      managedPrivileges: DATABRICKS_PRIVILEGES,
    }),
    principal: n.principal,
    resources: (schema, tables, isExcludes) => ({
      catalog: { values: [n.catalog] },
      schema: { values: [n.schema(schema)] },
      table: { values: tables.map(lower), ...(isExcludes ? { isExcludes } : {}) },
    }),
    ref: ({ schema, table }): ResourceRef =>
      table === undefined
        ? { type: 'schema', values: { catalog: quoteIdent(n.catalog), schema: quoteIdent(n.schema(schema)) } }
        : {
            type: 'table',
            values: {
              catalog: quoteIdent(n.catalog),
              schema: quoteIdent(n.schema(schema)),
              table: quoteIdent(lower(table)),
            },
          },
    path: (t: ScratchTable) => [n.catalog, n.schema(t.schema), lower(t.table)],
  };
}

/** The Databricks emulator, seeded per scenario: the connector runs as the emulator's admin user. */
export function databricksEmulatorTarget(): Target {
  let emulator: DatabricksEmulator | undefined;
  let connector: DatabricksConnector | undefined;
  const n: Naming = { catalog: 'scn', schema: lower, principal: (p) => `scn_${lower(p)}` };
  return {
    label: 'Databricks emulator',
    async prepare(s) {
      const schemas = [...new Set(s.tables.map((t) => t.schema))];
      emulator = await startDatabricksEmulator({
        catalog: {
          catalogs: [
            {
              name: n.catalog,
              owner: 'admins',
              schemas: schemas.map((schema) => ({
                name: n.schema(schema),
                tables: s.tables.filter((t) => t.schema === schema).map((t) => ({ name: lower(t.table) })),
              })),
            },
          ],
          principals: s.principals.map((p) => ({ kind: 'group' as const, name: n.principal(p) })),
          grants: s.before.map((g) => ({
            principal: n.principal(g.principal),
            privilege: g.privilege,
            on: { type: 'TABLE' as const, name: qualified([n.catalog, n.schema(g.schema), lower(g.table)]) },
          })),
        },
      });
      connector = DatabricksConnector.fromSettings({
        host: `https://${emulator.host}:${emulator.port}`,
        path: emulator.path,
        caCert: emulator.caCert,
        token: emulator.token,
      });
      return prepared(connector, n, s, ['admin@example.com']);
    },
    async cleanup() {
      await connector?.close();
      await emulator?.stop();
      connector = undefined;
      emulator = undefined;
    },
    dispose: async () => undefined,
  };
}

/**
 * A real workspace's settings, when the environment has them: the SQL warehouse and login of the connector, the
 * catalog the suite may create scratch schemas in (DATABRICKS_LIVE_CATALOG), and existing account groups that stand
 * for the scenarios' principals in order (DATABRICKS_LIVE_GROUPS; Unity Catalog cannot create principals over SQL).
 */
export function liveDatabricksSettings(
  env: NodeJS.ProcessEnv,
): { settings: DatabricksSettings; catalog: string; groups: string[] } | undefined {
  const { DATABRICKS_HOST: host, DATABRICKS_HTTP_PATH: path, DATABRICKS_LIVE_CATALOG: catalog } = env;
  const groups = (env.DATABRICKS_LIVE_GROUPS ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  if (!host || !path || !catalog || groups.length < LOGICAL_PRINCIPALS.length) return undefined;
  if (!env.DATABRICKS_TOKEN && !(env.DATABRICKS_CLIENT_ID && env.DATABRICKS_CLIENT_SECRET)) return undefined;
  const optional = (k: string, v: string | undefined) => (v ? { [k]: v } : {});
  return {
    settings: {
      host: host.startsWith('https://') ? host : `https://${host}`,
      path,
      ...optional('token', env.DATABRICKS_TOKEN),
      ...optional('clientId', env.DATABRICKS_CLIENT_ID),
      ...optional('clientSecret', env.DATABRICKS_CLIENT_SECRET),
    },
    catalog,
    groups,
  };
}

/** Every logical principal the scenarios name, in the order DATABRICKS_LIVE_GROUPS stands in for them. */
export const LOGICAL_PRINCIPALS = ['READERS', 'OTHERS', 'AUDITORS'];

/**
 * A real workspace. Each scenario gets its own schemas in DATABRICKS_LIVE_CATALOG under a prefix of this run
 * (`pslive_<time>_<random>`), dropped after it with everything in them, even when it fails. The groups are the
 * operator's: the suite grants and revokes on its scratch tables only and never changes who is in a group.
 */
export function databricksLiveTarget(live: NonNullable<ReturnType<typeof liveDatabricksSettings>>): Target {
  const run = `pslive_${new Date().toISOString().slice(0, 16).replace(/\D/g, '')}_${randomBytes(2).toString('hex')}`;
  const admin = new DatabricksSession(live.settings);
  const made = undoLog((sql) => admin.query(sql));
  let connector: DatabricksConnector | undefined;
  let count = 0;
  const principal = (p: string) => live.groups[LOGICAL_PRINCIPALS.indexOf(p)] ?? p;
  return {
    label: `Databricks workspace ${live.settings.host}`,
    async prepare(s) {
      const prefix = `${run}_${++count}`;
      const n: Naming = { catalog: live.catalog, schema: (name) => `${prefix}_${lower(name)}`, principal };
      for (const schema of new Set(s.tables.map((t) => t.schema))) {
        const path = [n.catalog, n.schema(schema)];
        await admin.query(`CREATE SCHEMA ${qualified(path)}`);
        made.add(`DROP SCHEMA IF EXISTS ${qualified(path)} CASCADE`);
      }
      for (const t of s.tables)
        await admin.query(`CREATE TABLE ${qualified([n.catalog, n.schema(t.schema), lower(t.table)])} (id INT)`);
      for (const g of s.before)
        await admin.query(
          `GRANT ${g.privilege} ON TABLE ${qualified([n.catalog, n.schema(g.schema), lower(g.table)])} TO ${quoteIdent(principal(g.principal))}`,
        );
      connector = DatabricksConnector.fromSettings(live.settings);
      const self = (await connector.identity()).map((p) => p.name);
      return prepared(connector, n, s, self);
    },
    async cleanup() {
      await connector?.close();
      connector = undefined;
      await made.undo();
    },
    dispose: () => admin.close(),
  };
}
