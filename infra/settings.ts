/**
 * How the one settings list (`shared/settings-list.ts`) meets the infrastructure templates. The drift test in
 * `test/infra/` holds both templates to these two lists: every setting in SETTINGS is set by Bicep and by
 * Terraform unless it is named in NOT_DEPLOYED (with the reason), and every app setting the templates set is
 * either in SETTINGS or named in HOST_SETTINGS (read by the Functions host, not by our code).
 */

/** Settings the code reads that a deployment must NOT set. The test fails if a template sets one of them. */
export const NOT_DEPLOYED: Readonly<Record<string, string>> = {
  AzureWebJobsStorage:
    'a connection string with an account key; in Azure the account has shared-key access off and the app uses ' +
    'AzureWebJobsStorage__accountName with the managed identity (a connection string would win over it)',
  EVENTHUB_CONNECTION:
    'a connection string for the local host; in Azure the namespace has local auth off and the trigger uses ' +
    'EventHubConnection__fullyQualifiedNamespace with the managed identity',
  SNOWFLAKE_PRIVATE_KEY_PATH:
    'a file on the local machine; in Azure the key is the Key Vault secret behind SNOWFLAKE_PRIVATE_KEY',
  PORT: 'the local host\'s HTTP port; the Functions host owns the port in Azure',
};

/** App settings the templates set that the Functions host (or a platform feature) reads instead of our code. */
export const HOST_SETTINGS: Readonly<Record<string, string>> = {
  AzureWebJobsStorage__credential: 'host: identity-based AzureWebJobsStorage (queue trigger, blob leases)',
  EventHubConnection__credential: 'host: identity-based connection of the Event Hub trigger',
  EventHubConnection__clientId: 'host: the user-assigned identity the Event Hub trigger authenticates as',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'host: where telemetry goes',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'host: Entra ID (managed identity) auth for telemetry ingestion',
};

/**
 * Settings Flex Consumption rejects or ignores (runtime and version live in functionAppConfig). A template that
 * sets one of them is wrong, whatever SETTINGS says.
 */
export const FLEX_FORBIDDEN = [
  'FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_NODE_DEFAULT_VERSION', 'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING', 'WEBSITE_CONTENTSHARE', 'SCM_DO_BUILD_DURING_DEPLOYMENT', 'ENABLE_ORYX_BUILD',
] as const;

/** The secrets the templates put in Key Vault, by app setting; Key Vault secret names allow no underscore. */
export const keyVaultSecretName = (setting: string): string => setting.replace(/_/g, '-');
