import { type Check, fail, ok, warn } from '../../doctor/check.js';
import { ConnectorError } from '../errors.js';
import { quoteIdent } from './dialect.js';
import type { SnowflakeSession } from './session.js';

type Row = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const SETUP = 'docs/setup-snowflake.md';
/**
 * No rows for a database the role holds nothing on: without MANAGE GRANTS or a privilege on it, Snowflake answers
 * as for a missing one (002003), though SHOW DATABASES may list it.
 */
const orNone = (rows: Promise<Row[]>) =>
  rows.catch((err: unknown): Row[] => {
    if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return [];
    throw err;
  });
/** Databases a doctor run looks into one by one (governance schema, visibility); the rest are counted, not read. */
const DATABASES_LOOKED_AT = 20;

/**
 * Roles that hold account privileges without a grant a SHOW lists: SECURITYADMIN is given MANAGE GRANTS and CREATE
 * ROLE by Snowflake, and ACCOUNTADMIN inherits SECURITYADMIN and SYSADMIN (Snowflake's "Overview of access control",
 * system-defined roles).
 */
const BUILT_IN: Record<string, string[]> = {
  SECURITYADMIN: ['MANAGE GRANTS', 'CREATE ROLE', 'CREATE USER'],
  USERADMIN: ['CREATE ROLE', 'CREATE USER'],
  ACCOUNTADMIN: ['MANAGE GRANTS', 'CREATE ROLE', 'CREATE USER', 'APPLY MASKING POLICY', 'APPLY ROW ACCESS POLICY'],
};
/** Roles a mask or filter body must not run as: it runs with its owner's rights (README, trust boundaries). */
const TOO_POWERFUL = ['ACCOUNTADMIN', 'SECURITYADMIN', 'SYSADMIN'];

export interface SnowflakeDiagnosisOptions {
  /** SNOWFLAKE_ROLE, when set. */
  role?: string;
  /** The governance schema's name, when masking is synced. */
  governanceSchema?: string;
  createMissingRoles: boolean;
  databases: () => Promise<string[]>;
}

/** What `policysync doctor` checks on Snowflake, each with the fix; read-only statements only. */
export async function diagnoseSnowflake(session: SnowflakeSession, o: SnowflakeDiagnosisOptions): Promise<Check[]> {
  const [now] = await session.query('SELECT CURRENT_ROLE() AS "ROLE", CURRENT_WAREHOUSE() AS "WAREHOUSE"');
  const current = text(now?.ROLE);
  const checks: Check[] = [roleCheck(current, o.role), warehouseCheck(text(now?.WAREHOUSE), current)];
  const { roles, privileges } = await effectivePrivileges(session, current);
  checks.push(...privilegeChecks(current, roles, privileges, o));
  const databases = await o.databases();
  const looked = databases.slice(0, DATABASES_LOOKED_AT);
  const more = databases.length - looked.length;
  checks.push(await visibilityCheck(session, looked, current, more));
  if (o.governanceSchema) checks.push(await governanceCheck(session, looked, o.governanceSchema, roles, current, more));
  return checks;
}

function roleCheck(current: string, configured: string | undefined): Check {
  if (!configured)
    return warn(
      'snowflake role',
      `SNOWFLAKE_ROLE is not set; the session runs as the user's default role, ${current}`,
      'set SNOWFLAKE_ROLE, so a change of the default role cannot change what the sync may do',
    );
  if (configured.toUpperCase() !== current.toUpperCase())
    return fail(
      'snowflake role',
      `SNOWFLAKE_ROLE is ${configured} but the session runs as ${current}`,
      `GRANT ROLE ${quoteIdent(configured)} TO USER <the connector's user> (${SETUP})`,
    );
  return ok('snowflake role', `the session runs as ${current}`);
}

function warehouseCheck(warehouse: string, role: string): Check {
  if (warehouse) return ok('snowflake warehouse', `INFORMATION_SCHEMA queries run on ${warehouse}`);
  return fail(
    'snowflake warehouse',
    'the session has no current warehouse: INFORMATION_SCHEMA queries need one',
    `set SNOWFLAKE_WAREHOUSE and GRANT USAGE ON WAREHOUSE <name> TO ROLE ${quoteIdent(role)}`,
  );
}

/**
 * The role's account privileges with those of every role granted to it (SHOW GRANTS TO ROLE lists a granted role
 * as USAGE on ROLE), and the roles walked.
 */
async function effectivePrivileges(session: SnowflakeSession, role: string) {
  const roles = new Set<string>();
  const privileges = new Set<string>();
  const queue = [role];
  while (queue.length > 0 && roles.size < 100) {
    const r = queue.shift()!;
    if (roles.has(r)) continue;
    roles.add(r);
    for (const p of BUILT_IN[r] ?? []) privileges.add(p);
    const rows: Row[] = await session.query(`SHOW GRANTS TO ROLE ${quoteIdent(r)}`);
    for (const row of rows) {
      const on = text(row.granted_on).toUpperCase();
      if (on === 'ACCOUNT') privileges.add(text(row.privilege).toUpperCase());
      if (on === 'ROLE' && text(row.privilege).toUpperCase() === 'USAGE') queue.push(text(row.name));
    }
  }
  return { roles, privileges };
}

function privilegeChecks(role: string, roles: Set<string>, held: Set<string>, o: SnowflakeDiagnosisOptions): Check[] {
  const grant = (p: string) => `GRANT ${p} ON ACCOUNT TO ROLE ${quoteIdent(role)} (${SETUP})`;
  const checks: Check[] = [
    held.has('MANAGE GRANTS')
      ? ok('MANAGE GRANTS', `${role} may grant and revoke on every object`)
      : fail(
          'MANAGE GRANTS',
          `${role} does not hold MANAGE GRANTS: no grant of another owner's object can be changed`,
          grant('MANAGE GRANTS'),
        ),
  ];
  if (o.governanceSchema) {
    const missing = ['APPLY MASKING POLICY', 'APPLY ROW ACCESS POLICY'].filter((p) => !held.has(p));
    checks.push(
      missing.length === 0
        ? ok('masking privileges', `${role} may attach masking and row access policies`)
        : warn(
            'masking privileges',
            `${role} lacks ${missing.join(' and ')}: a table whose policies mask or filter fails closed (no grant)`,
            `${missing.map(grant).join('; ')}; or CONNECTOR_SNOWFLAKE_GOVERNANCE_SCHEMA=none to sync no masks`,
          ),
    );
  }
  if (o.createMissingRoles)
    checks.push(
      held.has('CREATE ROLE')
        ? ok('CREATE ROLE', `${role} may create the roles policies name`)
        : fail(
            'CREATE ROLE',
            `CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES is on but ${role} lacks CREATE ROLE`,
            grant('CREATE ROLE'),
          ),
    );
  const powerful = TOO_POWERFUL.filter((r) => roles.has(r));
  if (powerful.length > 0)
    checks.push(
      warn(
        'role reach',
        `${role} is or inherits ${powerful.join(', ')}: mask and filter bodies run with their owner's rights`,
        `run policysync as a dedicated role holding only what ${SETUP} lists`,
      ),
    );
  return checks;
}

/**
 * INFORMATION_SCHEMA shows only objects the role holds a privilege on; SHOW OBJECTS also honours MANAGE GRANTS. A
 * table the first misses is one a sync would report as not found while its grants drift.
 */
async function visibilityCheck(
  session: SnowflakeSession,
  databases: string[],
  role: string,
  more: number,
): Promise<Check> {
  const hidden: string[] = [];
  let total = 0;
  for (const db of databases) {
    const [listed, visible] = await Promise.all([
      session.query(`SHOW OBJECTS IN DATABASE ${quoteIdent(db)}`),
      orNone(
        session.query(
          `SELECT TABLE_SCHEMA, TABLE_NAME FROM ${quoteIdent(db)}.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'`,
        ),
      ),
    ]);
    const seen = new Set(visible.map((r) => `${text(r.TABLE_SCHEMA)}.${text(r.TABLE_NAME)}`));
    const objects = listed.filter((r) => text(r.schema_name) !== 'INFORMATION_SCHEMA');
    total += objects.length;
    for (const r of objects) {
      const name = `${text(r.schema_name)}.${text(r.name)}`;
      if (!seen.has(name)) hidden.push(`${db}.${name}`);
    }
  }
  const scope = `${databases.length} database(s)${more > 0 ? ` (${more} more not looked at)` : ''}`;
  if (hidden.length === 0) return ok('visibility', `all ${total} tables and views of ${scope} are visible to ${role}`);
  return fail(
    'visibility',
    `${hidden.length} of ${total} tables and views in ${scope} are invisible to ${role} in INFORMATION_SCHEMA, e.g. ${hidden.slice(0, 3).join(', ')}`,
    `GRANT REFERENCES ON ALL TABLES / ALL VIEWS (and FUTURE ...) IN each database TO ROLE ${quoteIdent(role)} (${SETUP}#seeing-every-object)`,
  );
}

/** Where masking is on, each database's governance schema exists owned by our role, or our role may create it. */
async function governanceCheck(
  session: SnowflakeSession,
  databases: string[],
  schema: string,
  roles: Set<string>,
  role: string,
  more: number,
): Promise<Check> {
  const problems: string[] = [];
  for (const db of databases) {
    const found = (await session.query(`SHOW SCHEMAS IN DATABASE ${quoteIdent(db)}`)).find(
      (r) => text(r.name) === schema,
    );
    if (found) {
      if (!roles.has(text(found.owner))) problems.push(`${db}.${schema} is owned by ${text(found.owner)}`);
      continue;
    }
    const grants = await orNone(session.query(`SHOW GRANTS ON DATABASE ${quoteIdent(db)}`));
    const mayCreate = grants.some(
      (g) => roles.has(text(g.grantee_name)) && ['CREATE SCHEMA', 'OWNERSHIP'].includes(text(g.privilege)),
    );
    if (!mayCreate) problems.push(`${db} has no ${schema} and ${role} may not create it`);
  }
  if (problems.length === 0)
    return ok(
      'governance schema',
      `${schema} is ours or can be created in ${databases.length} database(s)${more > 0 ? ` (${more} more not looked at)` : ''}`,
    );
  return warn(
    'governance schema',
    problems.slice(0, 5).join('; '),
    `GRANT CREATE SCHEMA ON DATABASE <db> TO ROLE ${quoteIdent(role)}, or create ${schema} and GRANT OWNERSHIP on it to ${quoteIdent(role)} (${SETUP})`,
  );
}
