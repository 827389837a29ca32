import { readFileSync } from 'node:fs';
import { keyVaultSecretName, NOT_DEPLOYED } from '../../infra/settings.js';
import { SETTINGS } from '../../shared/settings-list.js';

/**
 * What both templates must deploy, in one place: the roles of the app's identity with their scopes (least
 * privilege) and the Azure resource types with the API versions the Bicep pins.
 */

export interface ExpectedRole {
  role: string;
  id: string;
  scope: string;
  onlyWithEventHub?: boolean;
}

/** The app's identity holds exactly these, each on exactly this kind of resource. */
export const APP_ROLES: readonly ExpectedRole[] = [
  // The host's own containers are created at run time: only the account can be scoped in advance.
  {
    role: 'Storage Blob Data Owner',
    id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    scope: 'Microsoft.Storage/storageAccounts',
  },
  // One assignment per queue and per table the app opens (runtimeStorage below), none on the account.
  {
    role: 'Storage Queue Data Contributor',
    id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    scope: 'Microsoft.Storage/storageAccounts/queueServices/queues',
  },
  {
    role: 'Storage Table Data Contributor',
    id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    scope: 'Microsoft.Storage/storageAccounts/tableServices/tables',
  },
  {
    role: 'Azure Event Hubs Data Receiver',
    id: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde',
    scope: 'Microsoft.EventHub/namespaces/eventhubs',
    onlyWithEventHub: true,
  },
  { role: 'Key Vault Secrets User', id: '4633458b-17de-408a-b874-0445c86b69e6', scope: 'Microsoft.KeyVault/vaults' },
  {
    role: 'Monitoring Metrics Publisher',
    id: '3913510d-42f4-4e42-8a64-420c390055eb',
    scope: 'Microsoft.Insights/components',
  },
];

/**
 * Roles held by something other than the app's identity, each with why. Only the optional Event Grid topic of the
 * Snowflake route (docs/automatic-triggers.md): Event Grid delivers to the hub as the topic's system-assigned identity.
 */
export interface ExpectedOtherRole {
  role: string;
  id: string;
  scope: string;
  principal: string;
  onlyWith: string;
  reason: string;
}
export const CHANGE_EVENT_ROLES: readonly ExpectedOtherRole[] = [
  {
    role: 'Azure Event Hubs Data Sender',
    id: '2b629674-e913-4c01-ae53-ef4638d8f975',
    scope: 'Microsoft.EventHub/namespaces/eventhubs',
    principal: "the Event Grid topic's system-assigned identity",
    onlyWith: 'eventGridTopic',
    reason: "the topic's event subscription delivers to this hub with the topic's identity; send only, this hub only",
  },
];

/** Roles no template may hand out to anyone (by id and by name). */
export const BROAD_ROLES: Readonly<Record<string, string>> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
  '00482a5a-887f-4fb3-b363-3b7fe8e74483': 'Key Vault Administrator',
  'f526a384-b230-433a-b45c-95f59c4a2dec': 'Azure Event Hubs Data Owner',
  '17d1049b-9a84-46fb-8f53-869881c3d3ab': 'Storage Account Contributor',
};

/** Every resource type the Bicep declares, with its pinned API version (no previews). */
export const BICEP_API_VERSIONS: Readonly<Record<string, string>> = {
  'Microsoft.ManagedIdentity/userAssignedIdentities': '2023-01-31',
  'Microsoft.OperationalInsights/workspaces': '2023-09-01',
  'Microsoft.Insights/components': '2020-02-02',
  'Microsoft.Storage/storageAccounts': '2023-05-01',
  'Microsoft.Storage/storageAccounts/blobServices': '2023-05-01',
  'Microsoft.Storage/storageAccounts/blobServices/containers': '2023-05-01',
  'Microsoft.Storage/storageAccounts/queueServices': '2023-05-01',
  'Microsoft.Storage/storageAccounts/queueServices/queues': '2023-05-01',
  'Microsoft.Storage/storageAccounts/tableServices': '2023-05-01',
  'Microsoft.Storage/storageAccounts/tableServices/tables': '2023-05-01',
  'Microsoft.EventHub/namespaces': '2024-01-01',
  'Microsoft.EventHub/namespaces/eventhubs': '2024-01-01',
  'Microsoft.EventHub/namespaces/eventhubs/consumergroups': '2024-01-01',
  'Microsoft.KeyVault/vaults': '2023-07-01',
  'Microsoft.KeyVault/vaults/secrets': '2023-07-01',
  'Microsoft.Authorization/roleAssignments': '2022-04-01',
  'Microsoft.Web/serverfarms': '2024-04-01',
  'Microsoft.Web/sites': '2024-04-01',
  'Microsoft.Web/sites/config': '2024-04-01',
  'Microsoft.Web/sites/basicPublishingCredentialsPolicies': '2024-04-01',
  'Microsoft.Network/privateEndpoints': '2024-05-01',
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups': '2024-05-01',
  'Microsoft.EventHub/namespaces/authorizationRules': '2024-01-01',
  'Microsoft.EventGrid/topics': '2022-06-15',
  'Microsoft.EventGrid/topics/eventSubscriptions': '2022-06-15',
  'Microsoft.Databricks/workspaces': '2024-05-01',
  'Microsoft.Insights/diagnosticSettings': '2021-05-01-preview',
};

/** The only preview API versions allowed, each with why. */
export const PREVIEW_ALLOWED: Readonly<Record<string, string>> = {
  'Microsoft.Insights/diagnosticSettings':
    'resource diagnostic settings have no GA API version; 2021-05-01-preview is the current one',
};

/** Bicep parameter name -> Terraform variable name (camelCase -> snake_case, an acronym is one word). */
export const snakeCase = (name: string): string => name.replace(/([a-z0-9])([A-Z]+)/g, '$1_$2').toLowerCase();

/** Key Vault secret names: one per secret setting that is deployed (JWT_SECRET -> JWT-SECRET). */
export const VAULT_SECRETS: readonly string[] = SETTINGS.filter((s) => s.secret && !(s.name in NOT_DEPLOYED))
  .map((s) => keyVaultSecretName(s.name))
  .sort();

/**
 * azurerm releases the provider constraint must admit and refuse, each with why (the provider's CHANGELOG-v4.md
 * and 5.0 upgrade guide).
 */
export const AZURERM_RELEASES = {
  admit: {
    '4.46.0': 'first release with azurerm_storage_queue.storage_account_id',
    '4.77.0': 'the last 4.x release checked',
  },
  refuse: {
    '4.45.0': 'azurerm_storage_queue has no storage_account_id yet',
    '4.30.0': 'azurerm_function_app_flex_consumption has no https_only yet (added in 4.31)',
    '5.0.0':
      'removes local_authentication_disabled (Application Insights) and eventhub_endpoint_id (Event Grid subscription)',
  },
} as const;

/** Arguments the admitted azurerm releases mark deprecated, by resource type (read from the provider source, 4.46–4.77). */
export const DEPRECATED_AZURERM_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  azurerm_key_vault: ['enable_rbac_authorization', 'contact'],
  azurerm_storage_queue: ['storage_account_name', 'resource_manager_id'],
  azurerm_storage_container: ['storage_account_name', 'resource_manager_id'],
  azurerm_eventhub: ['namespace_name', 'resource_group_name'],
  azurerm_monitor_diagnostic_setting: ['metric', 'retention_policy'],
  azurerm_log_analytics_workspace: ['local_authentication_disabled'],
  azurerm_storage_account: ['static_website', 'queue_properties'],
};

/**
 * The site properties of the "Flex Consumption plan deprecations" table (infra/settings.ts has its app settings), by
 * the name Microsoft.Web/sites uses (in `properties` or `properties.siteConfig`), with the azurerm argument that
 * would set it where azurerm has one.
 */
export const FLEX_DEPRECATED_SITE_PROPERTIES: Readonly<Record<string, { reason: string; terraform?: string }>> = {
  ftpsState: { reason: 'FTPS is not supported', terraform: 'ftps_state' },
  use32BitWorkerProcess: { reason: '32-bit is not supported', terraform: 'use_32_bit_worker' },
  isReserved: { reason: 'not valid' },
  isXenon: { reason: 'not valid' },
  windowsFxVersion: { reason: 'not valid' },
  alwaysOn: { reason: 'not valid', terraform: 'always_on' },
  preWarmedInstanceCount: { reason: 'replaced by always-ready instances', terraform: 'pre_warmed_instance_count' },
  functionAppScaleLimit: { reason: 'replaced by maximumInstanceCount', terraform: 'app_scale_limit' },
  containerSize: { reason: 'replaced by instanceMemoryMB' },
  javaVersion: { reason: 'replaced by functionAppConfig.runtime.version' },
  powerShellVersion: { reason: 'replaced by functionAppConfig.runtime.version' },
  netFrameworkVersion: { reason: 'replaced by functionAppConfig.runtime.version' },
  linuxFxVersion: { reason: 'replaced by functionAppConfig.runtime' },
};

/** Flex Consumption's bounds of functionAppConfig.scaleAndConcurrency.maximumInstanceCount (Flex Consumption plan page). */
export const FLEX_MAXIMUM_INSTANCE_COUNT = { min: 40, max: 1000 } as const;

/**
 * The rights of the authorization rule a diagnostic setting streams to Event Hubs with: "Streaming to Event Hubs
 * requires Manage, Send, and Listen permissions" (Diagnostic settings in Azure Monitor, Destinations). The rule must be
 * the namespace's: diagnostic settings refuse a hub-level rule id.
 */
export const DIAGNOSTICS_RULE_RIGHTS = ['Listen', 'Manage', 'Send'] as const;

/**
 * Every table and queue shared/runtime.ts opens, named with the settings' defaults. Read from its source: a table or
 * queue added there fails the template tests until both templates create it and grant the app that one alone.
 */
export function runtimeStorage(): { tables: string[]; queues: string[] } {
  const source = readFileSync(new URL('../../shared/runtime.ts', import.meta.url), 'utf8');
  const defaults = Object.fromEntries(SETTINGS.map((s) => [s.name, s.default ?? '']));
  const byConfig: Record<string, string> = { tasksTable: defaults.TASKS_TABLE!, syncQueue: defaults.SYNC_QUEUE! };
  const value = (expr: string) => {
    const field = (name: string) => {
      if (!(name in byConfig))
        throw new Error(`shared/runtime.ts names storage by config.${name}: add it to runtimeStorage()`);
      return byConfig[name]!;
    };
    const plain = /^config\.(\w+)$/.exec(expr);
    if (plain) return field(plain[1]!);
    if (!/^`.*`$/.test(expr)) throw new Error(`unreadable storage name in shared/runtime.ts: ${expr}`);
    return expr.slice(1, -1).replace(/\$\{config\.(\w+)\}/g, (_m, name: string) => field(name));
  };
  const opened = [...source.matchAll(/\b(tableClient|queueClient)\(config\.storage,\s*([^)]+)\)/g)];
  const of = (fn: string) =>
    opened
      .filter((m) => m[1] === fn)
      .map((m) => value(m[2]!.trim()))
      .sort();
  return { tables: of('tableClient'), queues: of('queueClient') };
}

/** Bicep parameters Terraform has no variable for, each with why. */
export const BICEP_ONLY_PARAMS: Readonly<Record<string, string>> = {
  keyVaultRecover:
    'Terraform recovers a soft-deleted vault of the same name by itself (provider features key_vault.recover_soft_deleted_key_vaults)',
};
