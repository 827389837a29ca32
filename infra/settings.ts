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
  PORT: "the local host's HTTP port; the Functions host owns the port in Azure",
  OTEL_EXPORTER_OTLP_ENDPOINT:
    'an OpenTelemetry collector for the local host or a self-run deployment; in Azure telemetry goes to Application Insights',
};

/** App settings the templates set that the Functions host (or a platform feature) reads instead of our code. */
export const HOST_SETTINGS: Readonly<Record<string, string>> = {
  AzureWebJobsStorage__credential: 'host: identity-based AzureWebJobsStorage (queue trigger, blob leases)',
  EventHubConnection__credential: 'host: identity-based connection of the Event Hub trigger',
  EventHubConnection__clientId: 'host: the user-assigned identity the Event Hub trigger authenticates as',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'host: Entra ID (managed identity) auth for telemetry ingestion',
  languageWorkers__node__arguments: "host: the Node.js worker's command line (infra/worker-arguments.ts)",
};

/**
 * The "Flex Consumption plan deprecations" table of Microsoft's app settings reference
 * (learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations), with the
 * settings the Flex Consumption plan page says are unsupported (time zones, certificates). Flex takes its runtime
 * and scale from functionAppConfig and its package from the deployment container; none of these may be set.
 */
export const FLEX_DEPRECATED_APP_SETTINGS: Readonly<Record<string, string>> = {
  FUNCTIONS_EXTENSION_VERSION: 'set by the platform',
  FUNCTIONS_WORKER_RUNTIME: 'replaced by functionAppConfig.runtime.name',
  FUNCTIONS_WORKER_RUNTIME_VERSION: 'replaced by functionAppConfig.runtime.version',
  FUNCTIONS_MAX_HTTP_CONCURRENCY: 'replaced by functionAppConfig.scaleAndConcurrency.triggers.http',
  FUNCTIONS_WORKER_PROCESS_COUNT: 'not valid on Flex Consumption',
  FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED: 'not valid on Flex Consumption',
  WEBSITE_NODE_DEFAULT_VERSION: 'replaced by functionAppConfig.runtime.version',
  WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: 'replaced by functionAppConfig.deployment',
  WEBSITE_CONTENTSHARE: 'replaced by functionAppConfig.deployment',
  WEBSITE_CONTENTOVERVNET: 'no content share on Flex Consumption',
  WEBSITE_SKIP_CONTENTSHARE_VALIDATION: 'no content share on Flex Consumption',
  WEBSITE_MOUNT_ENABLED: 'no content share on Flex Consumption',
  WEBSITE_RUN_FROM_PACKAGE: "the app always runs from the deployment container's package",
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'remote build is a parameter of the deployment, not an app setting',
  ENABLE_ORYX_BUILD: 'remote build is a parameter of the deployment, not an app setting',
  WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT: 'replaced by functionAppConfig.scaleAndConcurrency.maximumInstanceCount',
  WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED: 'not valid on Flex Consumption',
  WEBSITE_VNET_ROUTE_ALL: 'not used for networking on Flex Consumption',
  WEBSITE_DNS_SERVER: 'not used for networking on Flex Consumption',
  WEBSITE_TIME_ZONE: 'time zones are not supported on Flex Consumption',
  TZ: 'time zones are not supported on Flex Consumption',
  WEBSITE_LOAD_CERTIFICATES: 'certificate loading is not supported on Flex Consumption',
};

/** The secrets the templates put in Key Vault, by app setting; Key Vault secret names allow no underscore. */
export const keyVaultSecretName = (setting: string): string => setting.replace(/_/g, '-');
