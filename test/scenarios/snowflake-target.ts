import { randomBytes } from 'node:crypto';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../../dev/emulators/snowflake/index.js';
import { quoteIdent } from '../../shared/connectors/snowflake/dialect.js';
import { SNOWFLAKE_PRIVILEGES, snowflakeProfile } from '../../shared/connectors/snowflake/profile.js';
import { SnowflakeSession, type SnowflakeSettings } from '../../shared/connectors/snowflake/session.js';
import { SnowflakeConnector } from '../../shared/connectors/snowflake/snowflake-connector.js';
import { managedScope } from '../../shared/plan/scope.js';
import type { ResourceRef } from '../../shared/task/request.js';
import { type Prepared, type Scenario, type ScratchTable, type Target, undoLog } from './scenario.js';

const SYSTEM_ROLES = ['ACCOUNTADMIN', 'ORGADMIN', 'SECURITYADMIN', 'SYSADMIN', 'USERADMIN', 'PUBLIC'];
/** Stored names written so the connector reads them back exactly. */
const exact = (name: string) => quoteIdent(name);

/** How a Snowflake target names one run's objects: a database and roles under one prefix. */
function naming(prefix: string) {
  const database = `${prefix}_DB`;
  const principal = (name: string) => `${prefix}_${name}`;
  return { database, principal };
}

function prepared(connector: SnowflakeConnector, prefix: string, s: Scenario, identity: string[]): Prepared {
  const { database, principal } = naming(prefix);
  return {
    connector,
    profile: snowflakeProfile({ userRoleTemplate: '{name}', case: 'upper' }),
    scope: managedScope({
      ignoreRoles: [...SYSTEM_ROLES, ...identity, ...(s.ignored ?? []).map(principal)],
      ignoreObjects: [],
      managedPrivileges: SNOWFLAKE_PRIVILEGES.filter((p) => p !== 'REFERENCES'),
    }),
    principal,
    resources: (schema, tables, isExcludes) => ({
      database: { values: [database] },
      schema: { values: [schema] },
      table: { values: tables, ...(isExcludes ? { isExcludes } : {}) },
    }),
    ref: ({ schema, table }): ResourceRef =>
      table === undefined
        ? { type: 'schema', values: { database: exact(database), schema: exact(schema) } }
        : { type: 'table', values: { database: exact(database), schema: exact(schema), table: exact(table) } },
    path: (t: ScratchTable) => [database, t.schema, t.table],
  };
}

/** The Snowflake emulator, seeded per scenario: the connector runs as the emulator's service user. */
export function snowflakeEmulatorTarget(): Target {
  let emulator: SnowflakeEmulator | undefined;
  let connector: SnowflakeConnector | undefined;
  return {
    label: 'Snowflake emulator',
    async prepare(s) {
      const prefix = 'SCN';
      const { database, principal } = naming(prefix);
      const schemas = [...new Set(s.tables.map((t) => t.schema))];
      emulator = await startSnowflakeEmulator({
        catalog: {
          databases: [
            {
              name: database,
              schemas: schemas.map((schema) => ({
                name: schema,
                tables: s.tables.filter((t) => t.schema === schema).map((t) => ({ name: t.table })),
              })),
            },
          ],
          roles: s.principals.map((p) => ({ name: principal(p) })),
          grants: s.before.map((g) => ({
            privilege: g.privilege,
            on: { type: 'TABLE' as const, name: [database, g.schema, g.table].map(exact).join('.') },
            to: principal(g.principal),
          })),
        },
      });
      connector = SnowflakeConnector.fromSettings({
        account: 'emulator',
        username: 'POLICYSYNC',
        password: 'emulator',
        accessUrl: emulator.url,
      });
      return prepared(connector, prefix, s, []);
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

/** The settings of a real Snowflake account, when the environment has them. */
export function liveSnowflakeSettings(env: NodeJS.ProcessEnv): SnowflakeSettings | undefined {
  const { SNOWFLAKE_ACCOUNT: account, SNOWFLAKE_USERNAME: username } = env;
  if (!account || !username || env.SNOWFLAKE_ACCESS_URL) return undefined;
  if (!env.SNOWFLAKE_PASSWORD && !env.SNOWFLAKE_PRIVATE_KEY && !env.SNOWFLAKE_PRIVATE_KEY_PATH) return undefined;
  const optional = (k: string, v: string | undefined) => (v ? { [k]: v } : {});
  return {
    account,
    username,
    ...optional('password', env.SNOWFLAKE_PASSWORD),
    ...optional('privateKey', env.SNOWFLAKE_PRIVATE_KEY),
    ...optional('privateKeyPath', env.SNOWFLAKE_PRIVATE_KEY_PATH),
    ...optional('role', env.SNOWFLAKE_ROLE),
    ...optional('warehouse', env.SNOWFLAKE_WAREHOUSE),
  };
}

/**
 * A real account. Each scenario gets its own database and roles under a prefix of this run (`PSLIVE_<time>_<random>`),
 * made with the same credentials (the role needs CREATE DATABASE and CREATE ROLE besides what docs/setup-snowflake.md
 * lists) and dropped after it, even when it fails.
 */
export function snowflakeLiveTarget(settings: SnowflakeSettings): Target {
  const run = `PSLIVE_${new Date().toISOString().slice(0, 16).replace(/\D/g, '')}_${randomBytes(2).toString('hex').toUpperCase()}`;
  const admin = new SnowflakeSession(settings);
  const made = undoLog((sql) => admin.query(sql));
  let connector: SnowflakeConnector | undefined;
  let n = 0;
  return {
    label: `Snowflake account ${settings.account}`,
    async prepare(s) {
      const prefix = `${run}_${++n}`;
      const { database, principal } = naming(prefix);
      const exec = (sql: string, undo?: string) =>
        admin.query(sql).then(() => {
          if (undo) made.add(undo);
        });
      await exec(`CREATE DATABASE ${exact(database)}`, `DROP DATABASE IF EXISTS ${exact(database)}`);
      for (const schema of new Set(s.tables.map((t) => t.schema)))
        await exec(`CREATE SCHEMA ${exact(database)}.${exact(schema)}`);
      for (const t of s.tables)
        await exec(`CREATE TABLE ${[database, t.schema, t.table].map(exact).join('.')} (ID INT)`);
      for (const p of s.principals)
        await exec(`CREATE ROLE ${exact(principal(p))}`, `DROP ROLE IF EXISTS ${exact(principal(p))}`);
      for (const g of s.before)
        await exec(
          `GRANT ${g.privilege} ON TABLE ${[database, g.schema, g.table].map(exact).join('.')} TO ROLE ${exact(principal(g.principal))}`,
        );
      connector = SnowflakeConnector.fromSettings(settings);
      const self = (await connector.identity()).map((p) => p.name);
      return prepared(connector, prefix, s, self);
    },
    async cleanup() {
      await connector?.close();
      connector = undefined;
      await made.undo();
    },
    dispose: () => admin.close(),
  };
}
