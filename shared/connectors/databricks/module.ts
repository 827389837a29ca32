import { z } from 'zod';
import { databricksServiceDef } from '../../policy/service-defs.js';
import { boundedInt, flag, optionalText, setting, settingsSchema } from '../../setting.js';
import { entryPointSettings } from '../seed-settings.js';
import type { WarehouseModule } from '../warehouse-module.js';
import { quoteIdent } from './dialect.js';
import { DATABRICKS_PRIVILEGES, databricksProfile } from './profile.js';
import type { DatabricksSettings } from './session.js';

const SETTINGS = [
  ...entryPointSettings('CONNECTOR_DATABRICKS_UNITY_CATALOG', 'Databricks Unity Catalog'),
  setting('DATABRICKS_HOST', optionalText, {
    description: 'Databricks workspace host (`adb-123.4.azuredatabricks.net`, or `127.0.0.1:PORT` for the emulator).',
  }),
  setting('DATABRICKS_HTTP_PATH', optionalText, {
    description: 'HTTP path of the SQL warehouse (`/sql/1.0/warehouses/<id>`).',
  }),
  setting('DATABRICKS_TOKEN', optionalText, {
    secret: true,
    description:
      'Personal access token. Or OAuth machine-to-machine with DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET.',
  }),
  setting('DATABRICKS_CLIENT_ID', optionalText, {
    description:
      "OAuth machine-to-machine: the service principal's application id. The driver runs OAuth only for workspace hosts in `*.azuredatabricks.net`, `*.databricks.azure.cn`, `*.cloud.databricks.com` or `*.gcp.databricks.com`; elsewhere use DATABRICKS_TOKEN.",
  }),
  setting('DATABRICKS_CLIENT_SECRET', optionalText, {
    secret: true,
    description: "OAuth machine-to-machine: the service principal's secret.",
  }),
  setting('DATABRICKS_CA_CERT', optionalText, {
    description: 'PEM certificate to trust for the workspace endpoint (a private CA, or the local emulator).',
  }),
  setting('DATABRICKS_MAX_CONCURRENCY', boundedInt(1, 20), {
    default: '8',
    description: 'Statements in flight at once (a workspace caps concurrent requests at about 20).',
  }),
  setting('CONNECTOR_DATABRICKS_UNITY_CATALOG_GOVERNANCE_SCHEMA', z.string(), {
    default: 'policysync_governance',
    description:
      'Schema (in each catalog) holding the mask and row-filter functions; created when missing. `none` turns masking sync off.',
  }),
  setting('CONNECTOR_DATABRICKS_UNITY_CATALOG_MASKING_TAKEOVER', flag, {
    default: 'false',
    description:
      'Replace a column mask or row filter someone else set where a Ranger policy wants ours (otherwise reported as a conflict).',
  }),
] as const;

/** Databricks Unity Catalog: catalogs, schemas, tables and views; grants to users, groups and service principals; column masks and row filters. */
export const databricksModule: WarehouseModule<DatabricksSettings, 'databricks'> = {
  kind: 'databricks_unity_catalog',
  name: 'databricks',
  appSubTypes: ['databricksunitycatalog', 'unitycatalog', 'databricks'],
  resourceTypes: {
    catalog: ['catalog'],
    schema: ['catalog', 'schema'],
    table: ['catalog', 'schema', 'table'],
    view: ['catalog', 'schema', 'table'],
  },
  serviceDef: databricksServiceDef,
  privileges: DATABRICKS_PRIVILEGES,
  // What Unity Catalog calls its built-in administrators; its principals are case-sensitive.
  defaults: { ignoreRoles: 'admins,account users', principalCase: 'preserve' },
  // Backticks, or double quotes sent on as backticks: the only quoting the connector unwraps.
  names: {
    quotes: ['`', '"'],
    quote: quoteIdent,
    examples: {
      catalog: 'main',
      schema: 'main.sales',
      table: 'main.sales.orders',
      view: 'main.sales.orders_by_country',
    },
    documented: [
      { type: 'table', name: 'hr_catalog.employee_data.employees' },
      { type: 'view', name: 'main.sales.revenue_by_region' },
    ],
  },
  settings: SETTINGS,
  schema: settingsSchema(SETTINGS).transform((v) => ({
    entry: {
      api: v.CONNECTOR_DATABRICKS_UNITY_CATALOG_API_SERVER_ENABLED,
      onDemandV2: v.CONNECTOR_DATABRICKS_UNITY_CATALOG_ON_DEMAND_V2_ENABLED,
      externalAccess: v.CONNECTOR_DATABRICKS_UNITY_CATALOG_EXTERNAL_ACCESS_ENABLED,
      ingress: v.CONNECTOR_DATABRICKS_UNITY_CATALOG_K8S_NGINX_INGRESS_ENABLE,
    },
    masking: {
      governanceSchema: v.CONNECTOR_DATABRICKS_UNITY_CATALOG_GOVERNANCE_SCHEMA,
      takeover: v.CONNECTOR_DATABRICKS_UNITY_CATALOG_MASKING_TAKEOVER,
    },
    connection: {
      host: v.DATABRICKS_HOST ?? '',
      path: v.DATABRICKS_HTTP_PATH ?? '',
      token: v.DATABRICKS_TOKEN,
      clientId: v.DATABRICKS_CLIENT_ID,
      clientSecret: v.DATABRICKS_CLIENT_SECRET,
      caCert: v.DATABRICKS_CA_CERT,
      maxConcurrency: v.DATABRICKS_MAX_CONCURRENCY,
    },
  })),
  problems: (value, configured) => {
    if (!configured) return [];
    const problems: string[] = [];
    for (const k of ['DATABRICKS_HOST', 'DATABRICKS_HTTP_PATH'])
      if (!value(k)) problems.push(`${k}: required when CONNECTOR_KIND=databricks_unity_catalog`);
    const oauth = Boolean(value('DATABRICKS_CLIENT_ID') && value('DATABRICKS_CLIENT_SECRET'));
    if (!value('DATABRICKS_TOKEN') && !oauth)
      problems.push(
        'DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET: required when CONNECTOR_KIND=databricks_unity_catalog',
      );
    return problems;
  },
  profile: databricksProfile,
  connect: async (connection, options) =>
    (await import('./databricks-connector.js')).DatabricksConnector.fromSettings(connection, options.masking),
};
