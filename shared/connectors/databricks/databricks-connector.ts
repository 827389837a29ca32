import type { ResourceRef } from '../../task/request.js';
import type { Capabilities, Connector, StatementOutcome } from '../connector.js';
import { ConnectorError } from '../errors.js';
import type { LoadedResource } from '../loaded-resource.js';
import type { MaskingOptions } from '../masking-port.js';
import type { PlanStep } from '../plan-step.js';
import type { Grant, Principal, Securable } from '../securable.js';
import { canonicalPrivilege, grantStatement, principalKindOf, qualified, quoteIdent, storedName } from './dialect.js';
import { DatabricksMasking } from './masking-port.js';
import { DatabricksPrincipalVisibility } from './principal-visibility.js';
import { DatabricksSession, type DatabricksSettings, type Row } from './session.js';
import type { DatabricksStatements } from './statements.js';

/** What a load found, before its grants are read. */
type Objects = Omit<LoadedResource, 'grants'>;

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const pathKey = (path: readonly string[]) => path.join('\u0000');
const securableKey = (s: Securable) => `${s.kind}|${pathKey(s.path)}`;
// Views, materialized views and metric views take view privileges (SELECT only); everything else is a table.
const VIEW_TYPES = new Set(['VIEW', 'MATERIALIZED_VIEW', 'METRIC_VIEW']);
const SYSTEM_SCHEMA = 'information_schema';
const NOT_SYNCED_CATALOGS = new Set(['system', 'samples', 'hive_metastore']);

/**
 * Databricks Unity Catalog through @databricks/sql. Objects come from `system.information_schema.tables`,
 * grants from SHOW GRANTS (a table's own, its schema's and its catalog's in one statement) and the
 * `system.information_schema.*_privileges` views, direct grants only; a catalog is synced one schema at a time
 * (`children`). Every identifier and principal is backquoted by the dialect and every value is a named parameter.
 *
 * Functions, volumes and models belong to their schema and are never loaded on their own (the seed product's
 * documented limit): grants on them are out of scope, while the schema-level privileges that reach them
 * (EXECUTE, READ VOLUME, WRITE VOLUME, CREATE FUNCTION/VOLUME) are managed on the schema.
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

  /** `clientId`: DATABRICKS_CLIENT_ID, the service principal an OAuth machine-to-machine login acts as. */
  constructor(
    private readonly session: DatabricksStatements,
    masking?: MaskingOptions,
    private readonly clientId?: string,
  ) {
    this.capabilities = {
      children: (ref) => this.children(ref),
      containers: () => this.containers(),
      // Column masks and row filters are synced too when a governance schema is configured.
      ...(masking ? { masking: new DatabricksMasking(session, masking) } : {}),
      visibility: new DatabricksPrincipalVisibility(session),
    };
  }

  static fromSettings(settings: DatabricksSettings, masking?: MaskingOptions): DatabricksConnector {
    return new DatabricksConnector(new DatabricksSession(settings), masking, settings.clientId);
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

  async load(ref: ResourceRef): Promise<LoadedResource | 'not_found'> {
    try {
      return await this.loadOrThrow(ref);
    } catch (err) {
      if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return 'not_found';
      throw err;
    }
  }

  private async loadOrThrow(ref: ResourceRef): Promise<LoadedResource | 'not_found'> {
    const v = ref.values;
    const catalog = storedName(v.catalog ?? '');
    if (catalog === '') return 'not_found';
    const catalogSec: Securable = { kind: 'catalog', path: [catalog] };
    const asSecurable = (r: Row): Securable => ({
      kind: VIEW_TYPES.has(text(r.table_type).toUpperCase()) ? 'view' : 'table',
      path: [catalog, text(r.table_schema), text(r.table_name)],
    });
    const tablesSql =
      'SELECT table_schema, table_name, table_type FROM system.information_schema.tables WHERE table_catalog = :catalog';

    if (ref.type === 'catalog') {
      // The catalog alone (its schemas are synced as children, each with its tables): whether it exists and its own
      // grants, side by side.
      const [found, grantRows] = await Promise.all([
        this.session.query(
          'SELECT catalog_name FROM system.information_schema.catalogs WHERE catalog_name = :catalog',
          { catalog },
        ),
        this.catalogPrivileges(catalog),
      ]);
      if (found.length === 0) return 'not_found';
      return {
        root: catalogSec,
        objects: [catalogSec],
        parents: [],
        columns: {},
        grants: catalogGrants(catalogSec, grantRows),
      };
    }

    const schema = storedName(v.schema ?? '');
    if (schema === '' || schema === SYSTEM_SCHEMA) return 'not_found';
    const schemaSec: Securable = { kind: 'schema', path: [catalog, schema] };

    if (ref.type === 'schema') {
      // The schema's tables and every grant the sync compares, side by side: one round trip of waiting. SHOW GRANTS
      // refuses a schema that does not exist; that is only known below.
      const [rows, own, tableRows] = await Promise.all([
        this.session.query(`${tablesSql} AND table_schema = :schema`, { catalog, schema }),
        this.session.query(`SHOW GRANTS ON SCHEMA ${qualified(schemaSec.path)}`).catch((err: unknown) => err),
        this.session.query(
          "SELECT grantee, table_schema, table_name, privilege_type, inherited_from FROM system.information_schema.table_privileges WHERE table_catalog = :catalog AND table_schema = :schema AND inherited_from = 'NONE'",
          { catalog, schema },
        ),
      ]);
      if (rows.length === 0) {
        // No tables: an empty schema or none at all. Only then is the existence check worth a round trip.
        const found = await this.session.query(
          'SELECT schema_name FROM system.information_schema.schemata WHERE catalog_name = :catalog AND schema_name = :schema',
          { catalog, schema },
        );
        if (found.length === 0) return 'not_found';
      }
      if (!Array.isArray(own)) throw own;
      const loaded: Objects = {
        root: schemaSec,
        objects: [schemaSec, ...rows.map(asSecurable)],
        parents: [catalogSec],
        columns: {},
      };
      const grants = new GrantSet();
      grants.addShowGrants(loaded, own);
      const byPath = new Map(loaded.objects.map((o) => [pathKey(o.path), o]));
      for (const r of tableRows)
        grants.add(
          byPath.get(pathKey([catalog, text(r.table_schema), text(r.table_name)])),
          r.grantee,
          r.privilege_type,
          r.inherited_from,
        );
      return { ...loaded, grants: grants.list() };
    }

    if (ref.type !== 'table' && ref.type !== 'view') return 'not_found';
    const table = storedName(v.table ?? '');
    // The object and its grants side by side: a table in sync costs one round trip of waiting, not two. The
    // grants of an object that turns out not to exist (SHOW GRANTS refuses it) are not needed.
    const [rows, grantRows] = await Promise.all([
      this.session.query(`${tablesSql} AND table_schema = :schema AND table_name = :table`, { catalog, schema, table }),
      this.session.query(`SHOW GRANTS ON TABLE ${qualified([catalog, schema, table])}`).catch((err: unknown) => err),
    ]);
    const found = rows[0];
    if (!found) return 'not_found';
    const sec = asSecurable(found);
    if (ref.type === 'view' && sec.kind !== 'view') return 'not_found';
    if (!Array.isArray(grantRows)) throw grantRows;
    const loaded: Objects = { root: sec, objects: [sec], parents: [catalogSec, schemaSec], columns: {} };
    return { ...loaded, grants: grantsFromShowGrants(loaded, grantRows) };
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

  private async schemasOf(catalog: string): Promise<string[]> {
    const rows = await this.session.query(`SHOW SCHEMAS IN ${quoteIdent(catalog)}`);
    return rows
      .map((r) => text(r.databasename ?? r.namespace ?? Object.values(r)[0]))
      .filter((s) => s !== SYSTEM_SCHEMA);
  }

  private catalogPrivileges(catalog: string): Promise<Row[]> {
    return this.session.query(
      "SELECT grantee, privilege_type, inherited_from FROM system.information_schema.catalog_privileges WHERE catalog_name = :catalog AND inherited_from = 'NONE'",
      { catalog },
    );
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

/** Direct grants, each once; rows inherited from an ancestor are that ancestor's grants, never this object's. */
class GrantSet {
  private readonly grants = new Map<string, Grant>();

  add(securable: Securable | undefined, grantee: unknown, privilege: unknown, inheritedFrom?: unknown): void {
    if (!securable || (inheritedFrom !== undefined && text(inheritedFrom).toUpperCase() !== 'NONE')) return;
    const principal: Principal = { kind: principalKindOf(text(grantee)), name: text(grantee) };
    const g: Grant = { securable, principal, privilege: canonicalPrivilege(text(privilege)) };
    this.grants.set(`${securableKey(securable)}|${principal.name}|${g.privilege}`, g);
  }

  /**
   * SHOW GRANTS lists the object's own grants and, as rows naming the ancestor in objectType, those of its
   * schema and catalog: exactly the parents' direct grants, in the same round trip.
   */
  addShowGrants(loaded: Objects, rows: Row[]): void {
    const ancestor = (kind: Securable['kind']) => [loaded.root, ...loaded.parents].find((s) => s.kind === kind);
    for (const r of rows) {
      const type = text(r.objecttype).toUpperCase();
      const securable =
        type === 'CATALOG'
          ? ancestor('catalog')
          : type === 'SCHEMA'
            ? ancestor('schema')
            : type === 'TABLE' || type === 'VIEW'
              ? loaded.root
              : undefined;
      this.add(securable, r.principal, r.actiontype);
    }
  }

  list(): Grant[] {
    return [...this.grants.values()];
  }
}

function grantsFromShowGrants(loaded: Objects, rows: Row[]): Grant[] {
  const set = new GrantSet();
  set.addShowGrants(loaded, rows);
  return set.list();
}

function catalogGrants(catalog: Securable, rows: Row[]): Grant[] {
  const set = new GrantSet();
  for (const r of rows) set.add(catalog, r.grantee, r.privilege_type, r.inherited_from);
  return set.list();
}
