/**
 * Every app setting the service reads, with its default and meaning. The config parser, the README's settings
 * table and the infrastructure templates all come from this one list, so code and deployment cannot drift.
 */
export interface SettingInfo { name: string; default?: string; secret?: boolean; description: string }

const entryPointFlags = (prefix: string, product: string): SettingInfo[] => [
  { name: `${prefix}_API_SERVER_ENABLED`, default: 'true', description: `${product}: serve the task REST API.` },
  { name: `${prefix}_ON_DEMAND_V2_ENABLED`, default: 'true', description: `${product}: accept V2 on-demand tasks at all (API and Event Hub).` },
  { name: `${prefix}_EXTERNAL_ACCESS_ENABLED`, default: 'true', description: `${product}: public network access to the API; false deploys a private endpoint instead.` },
  { name: `${prefix}_K8S_NGINX_INGRESS_ENABLE`, default: 'false', description: `${product}: the seed's Kubernetes ingress flag. Accepted for compatibility; it has no meaning on Azure Functions and a warning is logged when set.` },
];

export const SETTINGS: readonly SettingInfo[] = [
  { name: 'CONNECTOR_KIND', default: 'snowflake', description: 'Which warehouse this instance syncs: `snowflake`, `databricks_unity_catalog`, or `memory` (an in-memory test fixture, never for production).' },
  { name: 'CONNECTOR_INSTANCE', default: 'default', description: 'Name of this connector instance (one deployment per instance); appears in logs and task records.' },
  ...entryPointFlags('CONNECTOR_SNOWFLAKE', 'Snowflake'),
  ...entryPointFlags('CONNECTOR_DATABRICKS_UNITY_CATALOG', 'Databricks Unity Catalog'),
  { name: 'CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED', default: 'false', description: 'Consume RESOURCE_SYNC events (and warehouse change events) from Azure Event Hub.' },
  { name: 'JWT_SECRET', secret: true, description: 'HS256 shared secret (at least 32 bytes). Exactly one of JWT_SECRET, JWT_PUBLIC_KEY, JWT_JWKS_URL.' },
  { name: 'JWT_PUBLIC_KEY', description: 'PEM public key for RS256 / ES256 tokens.' },
  { name: 'JWT_JWKS_URL', description: 'JWKS URL for RS256 / ES256 tokens.' },
  { name: 'JWT_ISSUER', description: 'Required `iss` claim, when set.' },
  { name: 'JWT_AUDIENCE', description: 'Required `aud` claim, when set.' },
  { name: 'AzureWebJobsStorage', secret: true, description: 'Storage connection string (tables and queues). In Azure, use `AzureWebJobsStorage__accountName` with a managed identity instead.' },
  { name: 'AzureWebJobsStorage__accountName', description: 'Storage account name for identity-based access (managed identity).' },
  { name: 'AzureWebJobsStorage__clientId', description: 'Client id of the user-assigned managed identity used for storage.' },
  { name: 'TASKS_TABLE', default: 'tasks', description: 'Table holding task records.' },
  { name: 'SYNC_QUEUE', default: 'policysync-sync', description: 'Queue the sync worker consumes (its poison queue is `<name>-poison`).' },
  { name: 'TASK_LEASE_SECONDS', default: '300', description: 'How long a worker holds a claimed task before another worker may take it over.' },
  { name: 'EVENTHUB_CONNECTION', secret: true, description: 'Event Hub connection string (local host). In Azure, use `EventHubConnection__fullyQualifiedNamespace` with a managed identity.' },
  { name: 'EventHubConnection__fullyQualifiedNamespace', description: 'Event Hubs namespace host for identity-based access.' },
  { name: 'EVENTHUB_NAME', default: 'policysync', description: 'Event Hub name.' },
  { name: 'EVENTHUB_CONSUMER_GROUP', default: '$Default', description: 'Consumer group of this connector instance.' },
  { name: 'POLICY_FILE', description: 'Path of a Ranger policy JSON file (a ServicePolicies download, an export, or a bare array); re-read when it changes.' },
  { name: 'RANGER_URL', description: 'Ranger Admin base URL; policies are downloaded from it when set.' },
  { name: 'RANGER_SERVICE_NAME', description: 'Ranger service whose policies apply to this instance.' },
  { name: 'RANGER_USERNAME', description: 'Ranger Admin basic-auth user.' },
  { name: 'RANGER_PASSWORD', secret: true, description: 'Ranger Admin basic-auth password.' },
  { name: 'SNOWFLAKE_ACCOUNT', description: 'Snowflake account identifier.' },
  { name: 'SNOWFLAKE_USERNAME', description: 'Snowflake user the connector logs in as.' },
  { name: 'SNOWFLAKE_PASSWORD', secret: true, description: 'Password (or use a key pair).' },
  { name: 'SNOWFLAKE_PRIVATE_KEY', secret: true, description: 'PEM private key for key-pair authentication.' },
  { name: 'SNOWFLAKE_PRIVATE_KEY_PATH', description: 'Path of the PEM private key for key-pair authentication.' },
  { name: 'SNOWFLAKE_ROLE', description: 'Role the connector uses (needs MANAGE GRANTS).' },
  { name: 'SNOWFLAKE_WAREHOUSE', description: 'Warehouse for INFORMATION_SCHEMA queries.' },
  { name: 'SNOWFLAKE_ACCESS_URL', description: 'Custom endpoint (private link, or a local emulator such as http://127.0.0.1:8085).' },
  { name: 'CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES', default: 'false', description: 'Create a role a policy names when it does not exist, instead of reporting it.' },
  { name: 'PRINCIPAL_USER_ROLE_TEMPLATE', default: '{name}', description: 'How a Ranger user maps to a warehouse role (Snowflake grants go to roles).' },
  { name: 'PRINCIPAL_CASE', default: 'upper', description: 'Case applied to Ranger principal names before they are matched with warehouse roles: `upper`, `lower` or `preserve`.' },
  { name: 'IGNORE_ROLES', default: 'ACCOUNTADMIN,ORGADMIN,SECURITYADMIN,SYSADMIN,USERADMIN,PUBLIC', description: 'Comma-separated globs of roles never granted to or revoked from.' },
  { name: 'IGNORE_OBJECTS', default: '', description: 'Comma-separated globs of object names (`DB`, `DB.SCHEMA`, `DB.SCHEMA.TABLE`) the sync never touches.' },
  { name: 'MANAGED_PRIVILEGES', description: 'Comma-separated privileges the sync manages; others are left alone. Defaults to every privilege the connector maps.' },
  { name: 'PORT', default: '7071', description: 'Local host only: HTTP port.' },
];
