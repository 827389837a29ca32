import { type Check, fail, ok, warn } from '../../doctor/check.js';
import type { Principal } from '../securable.js';
import { quoteIdent } from './dialect.js';
import type { DatabricksStatements } from './statements.js';
import { isRefusal } from './visibility.js';

type Row = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const SETUP = 'docs/setup-databricks.md';
/** Catalogs a doctor run looks into one by one; the rest are counted, not read. */
const CATALOGS_LOOKED_AT = 20;
/** Privileges that let a principal grant and revoke on a securable and everything in it (besides owning it). */
const MANAGING = new Set(['MANAGE', 'ALL PRIVILEGES']);

export interface DatabricksDiagnosisOptions {
  identity: () => Promise<Principal[]>;
  /** The governance schema's name, when masks and row filters are synced. */
  governanceSchema?: string;
  catalogs: () => Promise<string[]>;
}

/**
 * What `policysync doctor` checks on Unity Catalog, each with the fix: on every catalog a full sync covers, that
 * our principal owns it or holds MANAGE there (who may grant: docs.databricks.com/aws/en/data-governance/
 * unity-catalog/manage-privileges, "Who can manage privileges?") and BROWSE, and that the governance schema is ours
 * or can be. A catalog our principal holds nothing on is invisible to it, here as in a full sync: SQL lists no such
 * catalog.
 */
export async function diagnoseDatabricks(
  session: DatabricksStatements,
  o: DatabricksDiagnosisOptions,
): Promise<Check[]> {
  const us = new Set((await o.identity()).map((p) => p.name.toLowerCase()));
  const ours = (name: unknown) => us.has(text(name).toLowerCase());
  const catalogs = await o.catalogs();
  const looked = catalogs.slice(0, CATALOGS_LOOKED_AT);
  const more = catalogs.length > looked.length ? ` (${catalogs.length - looked.length} more not looked at)` : '';
  const owners = new Map(
    (await session.query('SELECT catalog_name, catalog_owner FROM system.information_schema.catalogs')).map((r) => [
      text(r.catalog_name),
      text(r.catalog_owner),
    ]),
  );
  const unmanaged: string[] = [];
  const unbrowsed: string[] = [];
  const governance: string[] = [];
  for (const catalog of looked) {
    // Unity Catalog shows a catalog's grants to its owner, a metastore admin or a MANAGE holder, and refuses anyone else.
    const grants: Row[] | undefined = await session
      .query(`SHOW GRANTS ON CATALOG ${quoteIdent(catalog)}`)
      .catch((err: unknown) => {
        if (isRefusal(err)) return undefined;
        throw err;
      });
    const owns = ours(owners.get(catalog));
    if (!grants) {
      unmanaged.push(catalog);
      continue;
    }
    const held = new Set(grants.filter((g) => ours(g.principal)).map((g) => text(g.actiontype).toUpperCase()));
    if (!owns && ![...held].some((p) => MANAGING.has(p))) unmanaged.push(catalog);
    if (!owns && !held.has('BROWSE') && !held.has('ALL PRIVILEGES')) unbrowsed.push(catalog);
    if (o.governanceSchema)
      governance.push(
        ...(await governanceProblem(
          session,
          catalog,
          o.governanceSchema,
          ours,
          owns || held.has('CREATE SCHEMA') || held.has('ALL PRIVILEGES'),
        )),
      );
  }
  const who = [...us].join(', ');
  const checks: Check[] = [
    unmanaged.length === 0
      ? ok('catalog privileges', `${who} owns or holds MANAGE on ${looked.length} catalog(s)${more}`)
      : fail(
          'catalog privileges',
          `${who} neither owns nor holds MANAGE on ${unmanaged.slice(0, 5).join(', ')}: its grants cannot be changed`,
          `GRANT MANAGE, USE CATALOG, USE SCHEMA, BROWSE ON CATALOG <catalog> TO \`<service principal>\` (${SETUP})`,
        ),
  ];
  checks.push(
    unbrowsed.length === 0
      ? ok(
          'visibility',
          `${who} may BROWSE or owns every catalog looked at: the information schema lists all their objects`,
        )
      : warn(
          'visibility',
          `${who} lacks BROWSE on ${unbrowsed.slice(0, 5).join(', ')}: an object it holds nothing on is missing from the information schema and the models listing`,
          `GRANT BROWSE ON CATALOG <catalog> TO \`<service principal>\` (${SETUP}#seeing-every-object)`,
        ),
  );
  if (o.governanceSchema)
    checks.push(
      governance.length === 0
        ? ok(
            'governance schema',
            `${o.governanceSchema} is ours or can be created in ${looked.length} catalog(s)${more}`,
          )
        : warn(
            'governance schema',
            governance.slice(0, 5).join('; '),
            `GRANT CREATE SCHEMA ON CATALOG <catalog> TO \`<service principal>\`, or create the schema and make the service principal its owner (${SETUP})`,
          ),
    );
  return checks;
}

async function governanceProblem(
  session: DatabricksStatements,
  catalog: string,
  schema: string,
  ours: (name: unknown) => boolean,
  mayCreate: boolean,
): Promise<string[]> {
  const [found] = await session.query(
    'SELECT schema_owner FROM system.information_schema.schemata WHERE catalog_name = :catalog AND schema_name = :schema',
    { catalog, schema },
  );
  if (found) return ours(found.schema_owner) ? [] : [`${catalog}.${schema} is owned by ${text(found.schema_owner)}`];
  return mayCreate ? [] : [`${catalog} has no ${schema} and we may not create it`];
}
