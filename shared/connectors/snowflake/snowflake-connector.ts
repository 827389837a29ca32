import type { ResourceRef } from '../../task/request.js';
import { recordApplied } from '../../telemetry/statement-telemetry.js';
import type { Capabilities, Connector, StatementOutcome } from '../connector.js';
import { ConnectorError } from '../errors.js';
import type { LoadedResource } from '../loaded-resource.js';
import type { MaskingOptions } from '../masking-port.js';
import type { PlanStep } from '../plan-step.js';
import type { Principal } from '../securable.js';
import type { SchemaPart } from '../table-range.js';
import { type CatalogQuery, catalogQuery } from './catalog-query.js';
import { diagnoseSnowflake } from './diagnose.js';
import { createRoleStatement, grantStatement, informationSchema, quoteIdent, storedName } from './dialect.js';
import { loadedFrom } from './loaded-from.js';
import { SnowflakeMasking } from './masking-port.js';
import { SnowflakeMemberships } from './membership.js';
import { runStatements } from './script-block.js';
import { SnowflakeSession, type SnowflakeSettings, SYSTEM } from './session.js';
import { existsUnseen, notVisible, unseenObject } from './visibility.js';

/** The connection settings, and whether a sync creates a missing role, or a missing user (principal sync). */
export type SnowflakeConnection = SnowflakeSettings & { createMissingRoles?: boolean; createMissingUsers?: boolean };

type Row = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const ROLES_TTL_MS = 60_000;
const SYSTEM_DATABASES = new Set(['SNOWFLAKE', 'SNOWFLAKE_SAMPLE_DATA']);
/** A stored name written so `storedName` reads it back exactly (quoted, `""` for a quote). */
const exactName = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Snowflake through snowflake-sdk. Objects and grants are read per database from INFORMATION_SCHEMA (real
 * time, unlike ACCOUNT_USAGE) in bulk; every identifier is quoted by the dialect and every value is a binding.
 */
export class SnowflakeConnector implements Connector {
  readonly kind = 'snowflake';
  readonly capabilities: Capabilities;
  private roles: { at: number; list: Principal[] } | undefined;
  private self: Promise<Principal[]> | undefined;
  private current: Promise<string> | undefined;
  /** Set when masking policies and row access policies are synced too (a governance schema is configured). */
  private readonly masking?: SnowflakeMasking;

  /**
   * `role`: SNOWFLAKE_ROLE, the role the session is configured to use. `createMissingRoles`:
   * CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES, whether a sync creates a role a policy names that does not exist.
   */
  constructor(
    private readonly session: SnowflakeSession,
    private readonly clock: () => number = Date.now,
    masking?: MaskingOptions,
    private readonly role?: string,
    createMissingRoles = false,
    createMissingUsers = false,
  ) {
    if (masking) this.masking = new SnowflakeMasking(session, masking, () => this.identity(), clock);
    this.capabilities = {
      children: (ref) => this.children(ref),
      tables: (ref) => this.tables(ref),
      tableCounts: (ref) => this.tableCounts(ref),
      containers: () => this.containers(),
      principals: {
        existing: () => this.existingRoles(),
        ...(createMissingRoles ? { create: (principal: Principal) => this.createRole(principal) } : {}),
        remedy: 'create it, or set CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES=true',
      },
      ...(this.masking ? { masking: this.masking } : {}),
      diagnose: () =>
        diagnoseSnowflake(session, {
          ...(role ? { role } : {}),
          ...(masking ? { governanceSchema: masking.governanceSchema } : {}),
          createMissingRoles,
          databases: async () => (await this.containers()).map((r) => storedName(r.values.database ?? '')),
        }),
      memberships: new SnowflakeMemberships(session, createMissingUsers),
    };
  }

  static fromSettings(settings: SnowflakeConnection, masking?: MaskingOptions): SnowflakeConnector {
    return new SnowflakeConnector(
      new SnowflakeSession(settings),
      Date.now,
      masking,
      settings.role,
      settings.createMissingRoles,
      settings.createMissingUsers,
    );
  }

  /**
   * SNOWFLAKE_ROLE and the role the session actually runs as (CURRENT_ROLE(): the user's default role when no
   * role is configured), read once per worker instance. Names compare case-insensitively in the plan.
   */
  identity(): Promise<Principal[]> {
    if (this.self) return this.self;
    const self = this.currentRole().then((current) => {
      const names = new Set([this.role, current].filter((n): n is string => Boolean(n)));
      return [...names].map((name): Principal => ({ kind: 'role', name }));
    });
    this.self = self;
    self.catch(() => {
      if (this.self === self) this.self = undefined;
    });
    return self;
  }

  /** CURRENT_ROLE(), read once per worker instance. */
  private currentRole(): Promise<string> {
    if (this.current) return this.current;
    const current = this.session.query('SELECT CURRENT_ROLE() AS "ROLE"').then((rows) => text(rows[0]?.ROLE));
    this.current = current;
    current.catch(() => {
      if (this.current === current) this.current = undefined;
    });
    return current;
  }

  async load(ref: ResourceRef, part?: SchemaPart): Promise<LoadedResource | 'not_found'> {
    const q = catalogQuery(ref, this.masking !== undefined, part);
    let rows: Row[];
    try {
      rows = await this.session.query(q.sql, q.binds);
    } catch (err) {
      if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return this.notFound(ref, q, undefined);
      throw err;
    }
    const loaded = loadedFrom(ref, q, rows);
    if (loaded === 'not_found') return this.notFound(ref, q, rows);
    if (q.table !== undefined) this.masking?.remember(loaded, rows);
    return loaded;
  }

  /** Not found, unless SHOW GRANTS (one more round trip, on this path only) says it exists where our role cannot see it. */
  private async notFound(ref: ResourceRef, q: CatalogQuery, rows: Row[] | undefined): Promise<'not_found'> {
    const unseen = unseenObject(ref, q, rows);
    if (unseen && (await existsUnseen(this.session, unseen))) throw notVisible(unseen, await this.currentRole());
    return 'not_found';
  }

  private async children(ref: ResourceRef): Promise<ResourceRef[]> {
    if (ref.type !== 'database') return [];
    const database = storedName(ref.values.database ?? '');
    const rows = await this.session.query(`SHOW SCHEMAS IN DATABASE ${quoteIdent(database)}`);
    return rows
      .map((r) => text(r.name))
      .filter((s) => s !== 'INFORMATION_SCHEMA')
      .map((schema) => ({ type: 'schema', values: { database: exactName(database), schema: exactName(schema) } }));
  }

  /**
   * From `<db>.INFORMATION_SCHEMA.TABLES` (real time), one statement for the database or for one schema; a schema's
   * names in Snowflake's order, which its comparisons use too (a slice's bounds are cut from it).
   */
  private async tables(ref: ResourceRef): Promise<ResourceRef[]> {
    const database = storedName(ref.values.database ?? '');
    const schema = ref.type === 'schema' ? storedName(ref.values.schema ?? '') : undefined;
    const rows = await this.session.query(
      `SELECT TABLE_SCHEMA, TABLE_NAME FROM ${informationSchema(database)}.TABLES${schema !== undefined ? ' WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME' : ''}`,
      schema !== undefined ? [schema] : [],
    );
    return rows
      .filter((r) => text(r.TABLE_SCHEMA) !== 'INFORMATION_SCHEMA')
      .map((r) => ({
        type: 'table',
        values: {
          database: exactName(database),
          schema: exactName(text(r.TABLE_SCHEMA)),
          table: exactName(text(r.TABLE_NAME)),
        },
      }));
  }

  /** Tables and views per schema of a database, from one grouped read of `<db>.INFORMATION_SCHEMA.TABLES`. */
  private async tableCounts(ref: ResourceRef): Promise<Map<string, number>> {
    const database = storedName(ref.values.database ?? '');
    const rows = await this.session.query(
      `SELECT TABLE_SCHEMA, COUNT(*) AS TABLE_COUNT FROM ${informationSchema(database)}.TABLES GROUP BY TABLE_SCHEMA`,
    );
    return new Map(rows.map((r) => [text(r.TABLE_SCHEMA), Number(r.TABLE_COUNT)]));
  }

  private async containers(): Promise<ResourceRef[]> {
    const rows = await this.session.query('SHOW DATABASES');
    // Snowflake's own and shared (imported) databases take no grants of ours.
    return rows
      .filter((r) => !SYSTEM_DATABASES.has(text(r.name)) && text(r.kind ?? 'STANDARD') === 'STANDARD')
      .map((r) => ({ type: 'database', values: { database: exactName(text(r.name)) } }));
  }

  private async existingRoles(): Promise<Principal[]> {
    if (this.roles && this.clock() - this.roles.at < ROLES_TTL_MS) return this.roles.list;
    const list = (await this.session.query('SHOW ROLES')).map((r): Principal => ({ kind: 'role', name: text(r.name) }));
    this.roles = { at: this.clock(), list };
    return list;
  }

  /** All statements in one round trip (script-block.ts); each step gets its own outcome. */
  async apply(steps: PlanStep[]): Promise<StatementOutcome[]> {
    const statements = steps.map(grantStatement);
    const results = await runStatements(this.session, statements);
    const outcomes = steps.map((step, i): StatementOutcome => {
      const r = results[i]!;
      if (r.ok) return { step, sql: statements[i]!, ok: true };
      // 002003 also means "role does not exist": only a vanished object has converged.
      const vanished = r.notFound === true && !/\brole\b/i.test(r.error ?? '');
      return {
        step,
        sql: statements[i]!,
        ok: false,
        error: r.error ?? '',
        code: vanished ? 'NOT_FOUND' : (r.code ?? ''),
      };
    });
    recordApplied(SYSTEM, outcomes);
    return outcomes;
  }

  private async createRole(principal: Principal): Promise<{ sql: string; ok: boolean; error?: string }> {
    const sql = createRoleStatement(principal.name);
    this.roles = undefined;
    try {
      await this.session.query(sql);
      return { sql, ok: true };
    } catch (err) {
      return { sql, ok: false, error: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
