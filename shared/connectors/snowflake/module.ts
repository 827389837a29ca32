import { z } from 'zod';
import { carriesCredentials } from '../../credential-url.js';
import { snowflakeServiceDef } from '../../policy/service-defs.js';
import { flag, optionalText, setting, settingsSchema } from '../../setting.js';
import { entryPointSettings } from '../seed-settings.js';
import type { WarehouseModule } from '../warehouse-module.js';
import { quoteIdent } from './dialect.js';
import { SNOWFLAKE_PRIVILEGES, snowflakeProfile } from './profile.js';
import type { SnowflakeConnection } from './snowflake-connector.js';

const SETTINGS = [
  ...entryPointSettings('CONNECTOR_SNOWFLAKE', 'Snowflake'),
  setting('SNOWFLAKE_ACCOUNT', optionalText, { description: 'Snowflake account identifier.' }),
  setting('SNOWFLAKE_USERNAME', optionalText, { description: 'Snowflake user the connector logs in as.' }),
  setting('SNOWFLAKE_PASSWORD', optionalText, { secret: true, description: 'Password (or use a key pair).' }),
  setting('SNOWFLAKE_PRIVATE_KEY', optionalText, {
    secret: true,
    description: 'PEM private key for key-pair authentication.',
  }),
  setting('SNOWFLAKE_PRIVATE_KEY_PATH', optionalText, {
    description: 'Path of the PEM private key for key-pair authentication.',
  }),
  setting('SNOWFLAKE_ROLE', optionalText, { description: 'Role the connector uses (needs MANAGE GRANTS).' }),
  setting('SNOWFLAKE_WAREHOUSE', optionalText, { description: 'Warehouse for INFORMATION_SCHEMA queries.' }),
  setting('SNOWFLAKE_ACCESS_URL', z.url().optional(), {
    description: 'Custom endpoint (private link, or a local emulator such as http://127.0.0.1:8085).',
  }),
  setting('CONNECTOR_SNOWFLAKE_GOVERNANCE_SCHEMA', z.string(), {
    default: 'POLICYSYNC_GOVERNANCE',
    description:
      'Schema (in each database) holding the masking and row access policies made from Ranger data-mask and row-filter policies; created when missing. `none` turns masking sync off.',
  }),
  setting('CONNECTOR_SNOWFLAKE_MASKING_TAKEOVER', flag, {
    default: 'false',
    description:
      'Replace a masking or row access policy someone else attached where a Ranger policy wants ours (otherwise reported as a conflict).',
  }),
  setting('CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES', flag, {
    default: 'false',
    description: 'Create a role a policy names when it does not exist, instead of reporting it.',
  }),
  setting('CONNECTOR_SNOWFLAKE_CREATE_MISSING_USERS', flag, {
    default: 'false',
    description:
      'Principal sync: create a Ranger user missing from Snowflake (without a password) so it can be granted its roles, instead of reporting it. Off by default: users usually arrive through SCIM or SSO.',
  }),
] as const;

/** Snowflake: databases, schemas, tables, views and columns; grants to roles; masking and row access policies. */
export const snowflakeModule: WarehouseModule<SnowflakeConnection, 'snowflake'> = {
  kind: 'snowflake',
  name: 'snowflake',
  appSubTypes: ['snowflake'],
  resourceTypes: {
    database: ['database'],
    schema: ['database', 'schema'],
    table: ['database', 'schema', 'table'],
    view: ['database', 'schema', 'table'],
    column: ['database', 'schema', 'table', 'column'],
  },
  serviceDef: snowflakeServiceDef,
  privileges: SNOWFLAKE_PRIVILEGES,
  // What Snowflake calls its built-in administrators; its roles read upper case, as Snowflake shows them.
  defaults: { ignoreRoles: 'ACCOUNTADMIN,ORGADMIN,SECURITYADMIN,SYSADMIN,USERADMIN,PUBLIC', principalCase: 'upper' },
  names: {
    quotes: ['"'],
    quote: quoteIdent,
    examples: {
      database: 'SALES',
      schema: 'SALES.PUBLIC',
      table: 'SALES.PUBLIC.ORDERS',
      view: 'SALES.PUBLIC.ORDERS_BY_COUNTRY',
      column: 'SALES.PUBLIC.ORDERS.AMOUNT',
    },
    documented: [{ type: 'table', name: 'SALES.PUBLIC.ORDERS' }],
  },
  settings: SETTINGS,
  schema: settingsSchema(SETTINGS).transform((v) => ({
    entry: {
      api: v.CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED,
      onDemandV2: v.CONNECTOR_SNOWFLAKE_ON_DEMAND_V2_ENABLED,
      externalAccess: v.CONNECTOR_SNOWFLAKE_EXTERNAL_ACCESS_ENABLED,
      ingress: v.CONNECTOR_SNOWFLAKE_K8S_NGINX_INGRESS_ENABLE,
    },
    masking: {
      governanceSchema: v.CONNECTOR_SNOWFLAKE_GOVERNANCE_SCHEMA,
      takeover: v.CONNECTOR_SNOWFLAKE_MASKING_TAKEOVER,
    },
    connection: {
      account: v.SNOWFLAKE_ACCOUNT ?? '',
      username: v.SNOWFLAKE_USERNAME ?? '',
      password: v.SNOWFLAKE_PASSWORD,
      privateKey: v.SNOWFLAKE_PRIVATE_KEY,
      privateKeyPath: v.SNOWFLAKE_PRIVATE_KEY_PATH,
      role: v.SNOWFLAKE_ROLE,
      warehouse: v.SNOWFLAKE_WAREHOUSE,
      accessUrl: v.SNOWFLAKE_ACCESS_URL,
      createMissingRoles: v.CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES,
      createMissingUsers: v.CONNECTOR_SNOWFLAKE_CREATE_MISSING_USERS,
    },
  })),
  problems: (value, configured) => {
    const problems: string[] = [];
    const url = value('SNOWFLAKE_ACCESS_URL');
    if (url && carriesCredentials(url))
      problems.push('SNOWFLAKE_ACCESS_URL: must not carry credentials (user:password@)');
    if (!configured) return problems;
    for (const k of ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USERNAME'])
      if (!value(k)) problems.push(`${k}: required when CONNECTOR_KIND=snowflake`);
    if (!value('SNOWFLAKE_PASSWORD') && !value('SNOWFLAKE_PRIVATE_KEY') && !value('SNOWFLAKE_PRIVATE_KEY_PATH')) {
      problems.push('SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY(_PATH): required when CONNECTOR_KIND=snowflake');
    }
    return problems;
  },
  profile: snowflakeProfile,
  connect: async (connection, options) =>
    (await import('./snowflake-connector.js')).SnowflakeConnector.fromSettings(connection, options.masking),
};
