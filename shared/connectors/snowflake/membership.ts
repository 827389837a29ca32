import pLimit from 'p-limit';
import { ConnectorError } from '../errors.js';
import type { Member, MembershipOutcome, MembershipPort, MembershipStep, WarehouseRole } from '../membership-port.js';
import { quoteIdent } from './dialect.js';
import { runStatements } from './script-block.js';
import type { SnowflakeSession } from './session.js';

type Row = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** The comment on every role a principal sync creates: how a later sync knows a role is its own (orphans). */
export const MANAGED_ROLE_COMMENT = 'managed by policysync from Ranger';
const CREATED_USER_COMMENT = 'created by policysync from Ranger';
/** Reads in flight at once: enough to hide latency, few enough for one session. */
const READ_CONCURRENCY = 8;
/** Statements per Scripting block: one round trip each, short enough to re-run one by one when a block fails. */
const BLOCK_SIZE = 500;

/**
 * Snowflake roles and who holds them (docs.snowflake.com/en/sql-reference/sql/grant-role, revoke-role,
 * show-grants, create-user). Every name is quoted by the dialect; the comments are our own constants.
 */
export class SnowflakeMemberships implements MembershipPort {
  readonly missingUserRemedy = 'create them (SCIM, SSO), or set CONNECTOR_SNOWFLAKE_CREATE_MISSING_USERS=true';

  constructor(
    private readonly session: SnowflakeSession,
    readonly createsUsers: boolean,
  ) {}

  async roles(): Promise<WarehouseRole[]> {
    return (await this.session.query('SHOW ROLES')).map((r) => ({
      name: text(r.name),
      managed: text(r.comment) === MANAGED_ROLE_COMMENT,
    }));
  }

  async users(): Promise<string[]> {
    return (await this.session.query('SHOW USERS')).map((r) => text(r.name));
  }

  /** SHOW GRANTS OF ROLE per role: `granted_to` USER or ROLE, `grantee_name` the holder. */
  membersOf(roles: readonly string[]): Promise<Map<string, Member[]>> {
    return this.readEach(
      roles,
      (role) => `SHOW GRANTS OF ROLE ${quoteIdent(role)}`,
      (rows) =>
        rows.flatMap((r): Member[] => {
          const to = text(r.granted_to).toUpperCase();
          return to === 'USER' || to === 'ROLE'
            ? [{ kind: to === 'USER' ? 'user' : 'role', name: text(r.grantee_name) }]
            : [];
        }),
    );
  }

  /** SHOW GRANTS TO USER per user: a role is a row whose `role` (or, before the 2025_01 bundle's columns, `name`) names it. */
  rolesOf(users: readonly string[]): Promise<Map<string, string[]>> {
    return this.readEach(
      users,
      (user) => `SHOW GRANTS TO USER ${quoteIdent(user)}`,
      (rows) =>
        rows
          .filter((r) => r.granted_on === undefined || text(r.granted_on).toUpperCase() === 'ROLE')
          .map((r) => text(r.role ?? r.name)),
    );
  }

  async apply(steps: MembershipStep[]): Promise<MembershipOutcome[]> {
    const statements = steps.map(membershipStatement);
    const outcomes: MembershipOutcome[] = [];
    for (let i = 0; i < steps.length; i += BLOCK_SIZE) {
      const results = await runStatements(this.session, statements.slice(i, i + BLOCK_SIZE));
      results.forEach((r, k) =>
        outcomes.push({
          step: steps[i + k]!,
          sql: statements[i + k]!,
          ok: r.ok,
          ...(r.error !== undefined ? { error: r.error } : {}),
        }),
      );
    }
    return outcomes;
  }

  /** One read per name, a few at a time; a name Snowflake does not know (002003) is left out of the answer. */
  private async readEach<T>(
    names: readonly string[],
    sql: (name: string) => string,
    read: (rows: Row[]) => T,
  ): Promise<Map<string, T>> {
    const limit = pLimit(READ_CONCURRENCY);
    const answers = await Promise.all(
      names.map((name) =>
        limit(async () => {
          try {
            return [name, read(await this.session.query(sql(name)))] as const;
          } catch (err) {
            if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return undefined;
            throw err;
          }
        }),
      ),
    );
    return new Map(answers.filter((a) => a !== undefined));
  }
}

/** The statement for one step; the only values in it are quoted names and our own comments. */
export function membershipStatement(step: MembershipStep): string {
  switch (step.op) {
    case 'CREATE_ROLE':
      return `CREATE ROLE IF NOT EXISTS ${quoteIdent(step.role)} COMMENT = '${MANAGED_ROLE_COMMENT}'`;
    case 'CREATE_USER':
      // No password: the user signs in through SSO or a key someone else sets.
      return `CREATE USER IF NOT EXISTS ${quoteIdent(step.user)} COMMENT = '${CREATED_USER_COMMENT}'`;
    case 'GRANT':
      return `GRANT ROLE ${quoteIdent(step.role)} TO ${step.member.kind === 'user' ? 'USER' : 'ROLE'} ${quoteIdent(step.member.name)}`;
    case 'REVOKE':
      return `REVOKE ROLE ${quoteIdent(step.role)} FROM ${step.member.kind === 'user' ? 'USER' : 'ROLE'} ${quoteIdent(step.member.name)}`;
  }
}
