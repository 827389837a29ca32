import type { ResourceRef } from '../../task/request.js';
import { recordApplied } from '../../telemetry/statement-telemetry.js';
import type { Capabilities, Connector, StatementOutcome } from '../connector.js';
import { ConnectorError } from '../errors.js';
import type { LoadedResource } from '../loaded-resource.js';
import type { MaskingOptions } from '../masking-port.js';
import type { PlanStep } from '../plan-step.js';
import type { Principal, Securable } from '../securable.js';
import type { SchemaPart } from '../table-range.js';
import { diagnoseDatabricks } from './diagnose.js';
import { grantStatement, principalKindOf, quoteIdent, storedName } from './dialect.js';
import { DatabricksLoader } from './loader.js';
import { DatabricksMasking } from './masking-port.js';
import { DatabricksPrincipalVisibility } from './principal-visibility.js';
import { DatabricksSession, type DatabricksSettings, SYSTEM } from './session.js';
import type { DatabricksStatements } from './statements.js';
import { WorkspaceApi } from './workspace-api.js';

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const securableKey = (s: Securable) => `${s.kind}|${s.path.join('\u0000')}`;
const SYSTEM_SCHEMA = 'information_schema';
const NOT_SYNCED_CATALOGS = new Set(['system', 'samples', 'hive_metastore']);

/**
 * Databricks Unity Catalog through @databricks/sql. Objects come from `system.information_schema.tables`, grants
 * from SHOW GRANTS on each object (loader.ts says why not the privilege views), direct grants only; a catalog is
 * synced one schema at a time (`children`). Every identifier and principal is backquoted by the dialect and every
 * value is a named parameter.
 *
 * Functions, volumes and registered models come with their schema (a schema or catalog sync grants and revokes on
 * each) and are never loaded on their own (the seed product's documented limit: such a request is SKIPPED).
 */
export class DatabricksConnector implements Connector {
  readonly kind = 'databricks_unity_catalog';
  /**
   * No principal directory: Unity Catalog cannot list its principals over SQL (SCIM is a separate REST API), so
   * a policy principal missing from the workspace reaches GRANT and fails there with PRINCIPAL_DOES_NOT_EXIST,
   * reported on the resource, rather than being dropped on a guess.
   */
  readonly capabilities: Capabilities;
  /** The tail of the statements running on each securable: changes to one securable never overlap. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private self: Promise<Principal[]> | undefined;
  private readonly loader: DatabricksLoader;

  /**
   * `clientId`: DATABRICKS_CLIENT_ID, the service principal an OAuth machine-to-machine login acts as. `workspace`:
   * the REST API, for the registered models of a schema (without it a schema load brings none).
   */
  constructor(
    private readonly session: DatabricksStatements,
    masking?: MaskingOptions,
    private readonly clientId?: string,
    workspace?: Pick<WorkspaceApi, 'models'>,
  ) {
    this.loader = new DatabricksLoader(session, async () => (await this.identity()).map((p) => p.name).at(-1) ?? '', {
      ...(masking ? { governanceSchema: masking.governanceSchema.toLowerCase() } : {}),
      ...(workspace ? { models: (catalog: string, schema: string) => workspace.models(catalog, schema) } : {}),
    });
    this.capabilities = {
      children: (ref) => this.children(ref),
      tables: (ref) => this.tables(ref),
      tableCounts: (ref) => this.tableCounts(ref),
      containers: () => this.containers(),
      // Column masks and row filters are synced too when a governance schema is configured.
      ...(masking ? { masking: new DatabricksMasking(session, masking, () => this.identity()) } : {}),
      diagnose: () =>
        diagnoseDatabricks(session, {
          identity: () => this.identity(),
          ...(masking ? { governanceSchema: masking.governanceSchema } : {}),
          catalogs: async () => (await this.containers()).map((r) => storedName(r.values.catalog ?? '')),
        }),
      visibility: new DatabricksPrincipalVisibility(session),
    };
  }

  static fromSettings(settings: DatabricksSettings, masking?: MaskingOptions): DatabricksConnector {
    return new DatabricksConnector(
      new DatabricksSession(settings),
      masking,
      settings.clientId,
      new WorkspaceApi(settings),
    );
  }

  /**
   * Who the session runs as: current_user() and DATABRICKS_CLIENT_ID, read once per worker instance. "When
   * called by a service principal, this function returns the UUID of the service principal"
   * (docs.databricks.com/en/sql/language-manual/functions/current_user.html); session_user() says the same but
   * only from Databricks Runtime 14.1.
   */
  identity(): Promise<Principal[]> {
    if (this.self) return this.self;
    const self = this.session.query('SELECT current_user() AS me').then((rows) => {
      const names = new Set([this.clientId, text(rows[0]?.me)].filter((n): n is string => Boolean(n)));
      return [...names].map((name): Principal => ({ kind: principalKindOf(name), name }));
    });
    this.self = self;
    self.catch(() => {
      if (this.self === self) this.self = undefined;
    });
    return self;
  }

  async load(ref: ResourceRef, part?: SchemaPart): Promise<LoadedResource | 'not_found'> {
    try {
      return await this.loader.load(ref, part);
    } catch (err) {
      if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return 'not_found';
      throw err;
    }
  }

  /**
   * Every catalog the workspace's metastore lists, for the scheduled full sync; not Databricks' own (`system`,
   * `samples`, internal ones) nor `hive_metastore`, whose legacy table ACLs are not Unity Catalog grants.
   */
  private async containers(): Promise<ResourceRef[]> {
    const rows = await this.session.query('SHOW CATALOGS');
    return rows
      .map((r) => text(r.catalog ?? Object.values(r)[0]))
      .filter((name) => !NOT_SYNCED_CATALOGS.has(name) && !name.startsWith('__'))
      .map((catalog) => ({ type: 'catalog', values: { catalog: quoteIdent(catalog) } }));
  }

  /** A catalog's schemas, one container at a time for the sync (it lists empty schemas too). */
  private async children(ref: ResourceRef): Promise<ResourceRef[]> {
    if (ref.type !== 'catalog') return [];
    const catalog = storedName(ref.values.catalog ?? '');
    return (await this.schemasOf(catalog)).map((schema) => ({
      type: 'schema',
      values: { catalog: quoteIdent(catalog), schema: quoteIdent(schema) },
    }));
  }

  /**
   * From `system.information_schema.tables`, one statement for the catalog or for one schema; a schema's names in
   * Unity Catalog's order, which its comparisons use too (a slice's bounds are cut from it).
   */
  private async tables(ref: ResourceRef): Promise<ResourceRef[]> {
    const catalog = storedName(ref.values.catalog ?? '');
    const schema = ref.type === 'schema' ? storedName(ref.values.schema ?? '') : undefined;
    const rows = await this.session.query(
      `SELECT table_schema, table_name FROM system.information_schema.tables WHERE table_catalog = :catalog${schema !== undefined ? ' AND table_schema = :schema ORDER BY table_name' : ''}`,
      schema !== undefined ? { catalog, schema } : { catalog },
    );
    return rows
      .filter((r) => text(r.table_schema) !== SYSTEM_SCHEMA)
      .map((r) => ({
        type: 'table',
        values: {
          catalog: quoteIdent(catalog),
          schema: quoteIdent(text(r.table_schema)),
          table: quoteIdent(text(r.table_name)),
        },
      }));
  }

  /** Tables and views per schema of a catalog, from one grouped read of `system.information_schema.tables`. */
  private async tableCounts(ref: ResourceRef): Promise<Map<string, number>> {
    const catalog = storedName(ref.values.catalog ?? '');
    const rows = await this.session.query(
      'SELECT table_schema, count(*) AS table_count FROM system.information_schema.tables WHERE table_catalog = :catalog GROUP BY table_schema',
      { catalog },
    );
    return new Map(rows.map((r) => [text(r.table_schema), Number(r.table_count)]));
  }

  private async schemasOf(catalog: string): Promise<string[]> {
    const rows = await this.session.query(`SHOW SCHEMAS IN ${quoteIdent(catalog)}`);
    return rows
      .map((r) => text(r.databasename ?? r.namespace ?? Object.values(r)[0]))
      .filter((s) => s !== SYSTEM_SCHEMA);
  }

  /**
   * Grants first, then revokes (no access gap). Within a phase, statements on one securable run one after
   * another — concurrent changes to one securable can overwrite each other — and different securables run
   * side by side, bounded by the session's concurrency limit. Outcomes come back in plan order.
   */
  async apply(steps: PlanStep[]): Promise<StatementOutcome[]> {
    const outcomes: StatementOutcome[] = new Array(steps.length);
    for (const op of ['GRANT', 'REVOKE'] as const) {
      const bySecurable = new Map<string, number[]>();
      steps.forEach((s, i) => {
        if (s.op !== op) return;
        const k = securableKey(s.securable);
        bySecurable.set(k, [...(bySecurable.get(k) ?? []), i]);
      });
      await Promise.all(
        [...bySecurable].map(async ([key, indexes]) => {
          for (const i of indexes) outcomes[i] = await this.serialized(key, () => this.applyStep(steps[i]!));
        }),
      );
    }
    recordApplied(SYSTEM, outcomes);
    return outcomes;
  }

  private async applyStep(step: PlanStep): Promise<StatementOutcome> {
    let sql: string;
    try {
      sql = grantStatement(step);
    } catch (err) {
      return { step, sql: '', ok: false, error: (err as Error).message, code: 'STATEMENT_FAILED' };
    }
    try {
      await this.session.query(sql);
      return { step, sql, ok: true };
    } catch (err) {
      const e = err instanceof ConnectorError ? err : new ConnectorError('STATEMENT_FAILED', String(err));
      const errorClass = e.detail?.warehouseCode;
      // Catalog, schema or table dropped since we loaded it: its grants went with it, the resource converged.
      if (e.code === 'NOT_FOUND') return { step, sql, ok: false, error: e.message, code: 'NOT_FOUND' };
      if (errorClass === 'PRINCIPAL_DOES_NOT_EXIST') {
        const who = `${step.principal.kind.replace('_', ' ')} ${step.principal.name}`;
        return {
          step,
          sql,
          ok: false,
          code: errorClass,
          error: `${who} does not exist in Databricks; add it to the workspace (or correct the policy or the principal name template), then sync again. ${e.message}`,
        };
      }
      return { step, sql, ok: false, error: e.message, code: errorClass ?? e.code };
    }
  }

  /** Runs `task` after every earlier task on `key` settled (this worker instance only). */
  private serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
