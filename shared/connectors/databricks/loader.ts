import type { ResourceRef } from '../../task/request.js';
import { ConnectorError } from '../errors.js';
import type { LoadedResource } from '../loaded-resource.js';
import type { Securable } from '../securable.js';
import type { SchemaPart, TableRange } from '../table-range.js';
import { qualified, SECURABLE_SQL, storedName } from './dialect.js';
import { GrantSet } from './grant-rows.js';
import type { Row } from './session.js';
import type { DatabricksStatements } from './statements.js';
import { isRefusal, notVisible } from './visibility.js';

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
// Views, materialized views and metric views take view privileges (SELECT only); everything else is a table.
const VIEW_TYPES = new Set(['VIEW', 'MATERIALIZED_VIEW', 'METRIC_VIEW']);
const SYSTEM_SCHEMA = 'information_schema';
const TABLES_SQL =
  'SELECT table_schema, table_name, table_type FROM system.information_schema.tables WHERE table_catalog = :catalog AND table_schema = :schema';
const FUNCTIONS_SQL =
  'SELECT routine_name FROM system.information_schema.routines WHERE routine_catalog = :catalog AND routine_schema = :schema';
const VOLUMES_SQL =
  'SELECT volume_name FROM system.information_schema.volumes WHERE volume_catalog = :catalog AND volume_schema = :schema';

/** What a loader needs beyond statements. */
export interface LoaderOptions {
  /** The schema (in each catalog) holding our masks and row filters: its functions are ours, never governed objects. */
  governanceSchema?: string;
  /** A schema's registered models: Unity Catalog lists them in no information_schema view. */
  models?: (catalog: string, schema: string) => Promise<string[]>;
}

/**
 * Loads what a request names, with the grants the sync compares, from Unity Catalog. A schema brings its tables,
 * views, functions, volumes and registered models; a catalog only itself (its schemas are synced as children).
 *
 * Grants are read with SHOW GRANTS, one statement per object, never from `information_schema.*_privileges`: for a
 * caller holding MANAGE (how the README sets policysync up) "the INFORMATION_SCHEMA only shows their own grants on
 * the object", while "Users with MANAGE privilege can view all grants on an object using SQL commands"
 * (learn.microsoft.com/azure/databricks/sql/language-manual/information-schema/table_privileges). The views would
 * hide every foreign grant, so drift would never be revoked. The statements of one schema run side by side, bounded
 * by the session's DATABRICKS_MAX_CONCURRENCY.
 *
 * SHOW GRANTS also tells "missing" from "not ours to see": it refuses a missing object as not found and an object
 * the caller may not manage with INSUFFICIENT_PERMISSIONS, while the information schema silently leaves out both.
 * The first is skipped as not found; the second fails the resource naming the grant that fixes it (visibility.ts).
 * A schema's (a catalog's) own SHOW GRANTS succeeding means our identity owns it or holds MANAGE on it, which every
 * object below inherits: the information schema then lists all of them, so the listing a schema load starts from
 * is complete.
 */
export class DatabricksLoader {
  constructor(
    private readonly session: DatabricksStatements,
    /** The principal the connector runs as, for messages. */
    private readonly principal: () => Promise<string>,
    private readonly options: LoaderOptions = {},
  ) {}

  async load(ref: ResourceRef, part?: SchemaPart): Promise<LoadedResource | 'not_found'> {
    const v = ref.values;
    const catalog = storedName(v.catalog ?? '');
    if (catalog === '') return 'not_found';
    const catalogSec: Securable = { kind: 'catalog', path: [catalog] };

    if (ref.type === 'catalog') {
      // The catalog alone (its schemas are synced as children): SHOW GRANTS says whether it exists and gives its grants.
      const rows = await this.showGrants(catalogSec);
      if (rows === 'not_found') return 'not_found';
      return { root: catalogSec, objects: [catalogSec], parents: [], columns: {}, grants: direct([catalogSec], rows) };
    }

    const schema = storedName(v.schema ?? '');
    if (schema === '' || schema === SYSTEM_SCHEMA) return 'not_found';
    const schemaSec: Securable = { kind: 'schema', path: [catalog, schema] };
    const asSecurable = (r: Row): Securable => ({
      kind: VIEW_TYPES.has(text(r.table_type).toUpperCase()) ? 'view' : 'table',
      path: [catalog, text(r.table_schema), text(r.table_name)],
    });

    if (ref.type === 'schema') {
      // The schema's objects and its own grants (with the catalog's) side by side, then every object's grants side
      // by side. Functions, volumes and models come with their schema (never on their own: the seed product's rule)
      // and with its own part; a slice brings only its range of tables and views, the schema as their parent.
      const leaf = (kind: 'function' | 'volume' | 'model') => (name: string) => ({
        kind,
        path: [catalog, schema, name],
      });
      const whole = part === undefined;
      const range = part !== undefined && part !== 'own' ? part.tables : undefined;
      const others = whole || part === 'own';
      const ours = schema === this.options.governanceSchema;
      const [rows, functions, volumes, models, own] = await Promise.all([
        part === 'own' ? [] : this.session.query(...tablesIn(catalog, schema, range)),
        ours || !others ? [] : this.session.query(FUNCTIONS_SQL, { catalog, schema }),
        others ? this.session.query(VOLUMES_SQL, { catalog, schema }) : [],
        (others ? this.options.models?.(catalog, schema) : undefined) ?? [],
        this.showGrants(schemaSec),
      ]);
      if (own === 'not_found') return 'not_found';
      const listed: Securable[] = [
        ...rows.map(asSecurable),
        ...functions.map((r) => leaf('function')(text(r.routine_name))),
        ...volumes.map((r) => leaf('volume')(text(r.volume_name))),
        ...models.map(leaf('model')),
      ];
      const read = await Promise.all(listed.map((o) => this.showGrants(o)));
      const grants = new GrantSet();
      grants.addShowGrants([schemaSec, catalogSec], own);
      // An object dropped since the listing has converged: it is simply not part of the sync.
      const objects = listed.filter((o, i) => {
        const r = read[i]!;
        if (r !== 'not_found') grants.addShowGrants([o], r);
        return r !== 'not_found';
      });
      return {
        root: schemaSec,
        objects: range ? objects : [schemaSec, ...objects],
        parents: range ? [catalogSec, schemaSec] : [catalogSec],
        columns: {},
        grants: grants.list(),
      };
    }

    if (ref.type !== 'table' && ref.type !== 'view') return 'not_found';
    const tablePath = [catalog, schema, storedName(v.table ?? '')];
    // The object and its grants side by side: a table in sync costs one round trip of waiting, not two.
    const [rows, read] = await Promise.all([
      this.session.query(`${TABLES_SQL} AND table_name = :table`, { catalog, schema, table: tablePath[2]! }),
      this.showGrants({ kind: 'table', path: tablePath }),
    ]);
    if (read === 'not_found') return 'not_found';
    const found = rows[0];
    if (!found) {
      throw new ConnectorError(
        'NOT_VISIBLE',
        `${ref.type} ${tablePath.join('.')}: Unity Catalog shows its grants to ${await this.principal()} but its information schema does not list it, so whether it is a table or a view is unknown and it was not synced; grant BROWSE on the catalog ${catalog} to ${await this.principal()}, then sync again.`,
      );
    }
    const sec = asSecurable(found);
    if (ref.type === 'view' && sec.kind !== 'view') return 'not_found';
    const parents = [catalogSec, schemaSec];
    return { root: sec, objects: [sec], parents, columns: {}, grants: direct([sec, ...parents], read) };
  }

  /** SHOW GRANTS on one object: its rows, `not_found`, or the NOT_VISIBLE failure naming the grant that fixes it. */
  private async showGrants(on: Securable): Promise<Row[] | 'not_found'> {
    try {
      return await this.session.query(`SHOW GRANTS ON ${SECURABLE_SQL[on.kind]} ${qualified(on.path)}`);
    } catch (err) {
      if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return 'not_found';
      if (isRefusal(err)) throw notVisible(on, await this.principal(), err);
      throw err;
    }
  }
}

/** A schema's tables and views, those of a slice only when `range` is given (bounds as parameters, never SQL text). */
function tablesIn(catalog: string, schema: string, range?: TableRange): [string, Record<string, string>] {
  if (!range) return [TABLES_SQL, { catalog, schema }];
  const sql = `${TABLES_SQL}${range.from !== undefined ? ' AND table_name >= :from' : ''}${range.below !== undefined ? ' AND table_name < :below' : ''}`;
  return [
    sql,
    {
      catalog,
      schema,
      ...(range.from !== undefined ? { from: range.from } : {}),
      ...(range.below !== undefined ? { below: range.below } : {}),
    },
  ];
}

function direct(among: Securable[], rows: Row[]): LoadedResource['grants'] {
  const set = new GrantSet();
  set.addShowGrants(among, rows);
  return set.list();
}
