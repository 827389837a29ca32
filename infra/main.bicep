// policysync: one connector instance on Azure Functions Flex Consumption.
// Deploy into a resource group:  az deployment group create -g <rg> -f infra/main.bicep -p @infra/main.parameters.json
// One deployment = one connector instance (one Snowflake account or one Databricks workspace); several instances
// are several deployments with different `instanceName`s. The app settings below are the ones
// shared/settings-list.ts declares; test/infra/ fails when the two drift apart.

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------------------------
// Instance
// ---------------------------------------------------------------------------------------------------------------

@description('Which warehouse this instance syncs (CONNECTOR_KIND).')
@allowed(['snowflake', 'databricks_unity_catalog'])
param connectorKind string = 'snowflake'

@description('Name of this connector instance (CONNECTOR_INSTANCE): letters, digits, _ . - only. Also names the Event Hub consumer group and, lower-cased, the resources.')
@minLength(1)
@maxLength(40)
param instanceName string

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Tags applied to every resource.')
param tags object = {}

// ---------------------------------------------------------------------------------------------------------------
// The seed product's flags (set for both connector prefixes; the code reads the one of CONNECTOR_KIND)
// ---------------------------------------------------------------------------------------------------------------

@description('Serve the task REST API (CONNECTOR_<KIND>_API_SERVER_ENABLED).')
param apiServerEnabled bool = true

@description('Accept V2 on-demand tasks at all, from the API and the Event Hub (CONNECTOR_<KIND>_ON_DEMAND_V2_ENABLED).')
param onDemandV2Enabled bool = true

@description('Public network access to the API (CONNECTOR_<KIND>_EXTERNAL_ACCESS_ENABLED). false: publicNetworkAccess Disabled on the Function App and a private endpoint in privateEndpointSubnetId.')
param externalAccessEnabled bool = true

@description('The seed\'s Kubernetes NGINX ingress flag (CONNECTOR_<KIND>_K8S_NGINX_INGRESS_ENABLE). Accepted for compatibility; it has no meaning on Azure Functions: the deployment output `warnings` and the app log say so.')
param k8sNginxIngressEnable bool = false

@description('Consume RESOURCE_SYNC and warehouse change events from Azure Event Hub (CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED). Creates the namespace, hub and this instance\'s consumer group.')
param eventHubEnabled bool = false

// ---------------------------------------------------------------------------------------------------------------
// Auth of the task API
// ---------------------------------------------------------------------------------------------------------------

@description('HS256 key of the task API (JWT_SECRET, at least 32 bytes), stored in Key Vault. Leave empty on a redeployment to keep the current secret, or when JWT_PUBLIC_KEY / JWT_JWKS_URL is used instead.')
@secure()
param jwtSecret string = ''

@description('PEM public key for RS256 / ES256 tokens (JWT_PUBLIC_KEY), instead of jwtSecret.')
param jwtPublicKey string = ''

@description('JWKS URL for RS256 / ES256 tokens (JWT_JWKS_URL), instead of jwtSecret.')
param jwtJwksUrl string = ''

@description('Required `iss` claim (JWT_ISSUER). Required with jwtPublicKey / jwtJwksUrl (the app refuses to start without it); with jwtSecret, empty: not checked.')
param jwtIssuer string = ''

@description('Required `aud` claim (JWT_AUDIENCE). Required with jwtPublicKey / jwtJwksUrl (the app refuses to start without it); with jwtSecret, empty: not checked.')
param jwtAudience string = ''

@description('Longest token lifetime accepted, exp - iat (JWT_MAX_TOKEN_AGE: seconds, or 90m, 24h, 2d); empty: the code default.')
param jwtMaxTokenAge string = ''

@description('Scope or app role every token must grant in scp, scope or roles (JWT_REQUIRED_SCOPE), for an identity provider shared with other applications; empty: none.')
param jwtRequiredScope string = ''

// ---------------------------------------------------------------------------------------------------------------
// Policy source: a Ranger Admin (recommended in Azure) or a policy file shipped with the package
// ---------------------------------------------------------------------------------------------------------------

@description('Path of a Ranger policy JSON file readable by the app (POLICY_FILE). Set this or rangerUrl.')
param policyFile string = ''

@description('Path of a Ranger principals JSON file readable by the app (PRINCIPALS_FILE); empty: Ranger Admin\'s user store when rangerUrl is set.')
param principalsFile string = ''

@description('Ranger Admin base URL (RANGER_URL).')
param rangerUrl string = ''

@description('Ranger service whose policies apply to this instance (RANGER_SERVICE_NAME).')
param rangerServiceName string = ''

@description('Ranger Admin basic-auth user (RANGER_USERNAME).')
param rangerUsername string = ''

@description('Ranger Admin basic-auth password (RANGER_PASSWORD), stored in Key Vault. Empty on a redeployment keeps the current secret.')
@secure()
param rangerPassword string = ''

// ---------------------------------------------------------------------------------------------------------------
// Snowflake connection
// ---------------------------------------------------------------------------------------------------------------

@description('Snowflake account identifier (SNOWFLAKE_ACCOUNT).')
param snowflakeAccount string = ''

@description('Snowflake user the connector logs in as (SNOWFLAKE_USERNAME).')
param snowflakeUsername string = ''

@description('How the connector authenticates to Snowflake: a password or a key pair (both kept in Key Vault).')
@allowed(['password', 'keyPair'])
param snowflakeAuth string = 'password'

@description('Snowflake password (SNOWFLAKE_PASSWORD), stored in Key Vault. Empty on a redeployment keeps the current secret.')
@secure()
param snowflakePassword string = ''

@description('PEM private key for key-pair auth (SNOWFLAKE_PRIVATE_KEY), stored in Key Vault. Empty on a redeployment keeps the current secret.')
@secure()
param snowflakePrivateKey string = ''

@description('Role the connector uses (SNOWFLAKE_ROLE; needs MANAGE GRANTS).')
param snowflakeRole string = ''

@description('Warehouse for INFORMATION_SCHEMA queries (SNOWFLAKE_WAREHOUSE).')
param snowflakeWarehouse string = ''

@description('Custom Snowflake endpoint, e.g. a private link URL (SNOWFLAKE_ACCESS_URL).')
param snowflakeAccessUrl string = ''

@description('Create a role a policy names when it does not exist (CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES).')
param snowflakeCreateMissingRoles bool = false

@description('Principal sync: create a missing Ranger user without a password (CONNECTOR_SNOWFLAKE_CREATE_MISSING_USERS).')
param snowflakeCreateMissingUsers bool = false

// ---------------------------------------------------------------------------------------------------------------
// Databricks Unity Catalog connection
// ---------------------------------------------------------------------------------------------------------------

@description('Databricks workspace host, e.g. adb-123.4.azuredatabricks.net (DATABRICKS_HOST).')
param databricksHost string = ''

@description('HTTP path of the SQL warehouse, /sql/1.0/warehouses/<id> (DATABRICKS_HTTP_PATH).')
param databricksHttpPath string = ''

@description('How the connector authenticates to Databricks: a personal access token or OAuth machine-to-machine (secrets kept in Key Vault).')
@allowed(['token', 'oauthM2M'])
param databricksAuth string = 'token'

@description('Personal access token (DATABRICKS_TOKEN), stored in Key Vault. Empty on a redeployment keeps the current secret.')
@secure()
param databricksToken string = ''

@description('OAuth machine-to-machine: the service principal\'s application id (DATABRICKS_CLIENT_ID).')
param databricksClientId string = ''

@description('OAuth machine-to-machine: the service principal\'s secret (DATABRICKS_CLIENT_SECRET), stored in Key Vault. Empty on a redeployment keeps the current secret.')
@secure()
param databricksClientSecret string = ''

@description('PEM certificate to trust for the workspace endpoint, for a private CA (DATABRICKS_CA_CERT).')
param databricksCaCert string = ''

@description('DATABRICKS_MAX_CONCURRENCY (statements in flight); empty: the code default.')
param databricksMaxConcurrency string = ''

// ---------------------------------------------------------------------------------------------------------------
// Sync tuning. Empty means "the code's default" (shared/settings-list.ts), so the default lives in one place.
// ---------------------------------------------------------------------------------------------------------------

@description('TASK_LEASE_SECONDS; empty: the code default.')
param taskLeaseSeconds string = ''

@description('TASK_MAX_ATTEMPTS; empty: the code default.')
param taskMaxAttempts string = ''

@description('UNIT_MAX_TABLES: the most tables and views one unit of a fanned-out task syncs (a larger schema is cut into slices); empty: the code default.')
param unitMaxTables string = ''

@description('IDEMPOTENCY_TTL_HOURS: how long an Idempotency-Key or Event Hub event id names its task; empty: the code default.')
param idempotencyTtlHours string = ''

@description('Run the scheduled full sync of every database or catalog (FULL_SYNC_ENABLED).')
param fullSyncEnabled bool = false

@description('FULL_SYNC_SCHEDULE (six-field NCRONTAB); empty: the code default.')
param fullSyncSchedule string = ''

@description('POLICY_POLL_SECONDS: how often the policy watcher polls the policy source (0: off); empty: the code default.')
param policyPollSeconds string = ''

@description('Schema holding the masking policies / mask functions made from Ranger masks and row filters; empty: the code default. (CONNECTOR_<KIND>_GOVERNANCE_SCHEMA)')
param maskingGovernanceSchema string = ''

@description('Replace a foreign masking policy or row filter where a Ranger policy wants ours (CONNECTOR_<KIND>_MASKING_TAKEOVER).')
param maskingTakeover bool = false

@description('SWEEP_SCHEDULE (six-field NCRONTAB of the stuck-task sweeper); empty: the code default.')
param sweepSchedule string = ''

@description('SWEEP_GRACE_SECONDS; empty: the code default.')
param sweepGraceSeconds string = ''

@description('TASK_RETENTION_DAYS (days a finished task is kept); empty: the code default.')
param taskRetentionDays string = ''

@description('RETENTION_SCHEDULE (six-field NCRONTAB of the retention timer); empty: the code default.')
param retentionSchedule string = ''

@description('PRINCIPAL_USER_ROLE_TEMPLATE; empty: the code default.')
param principalUserRoleTemplate string = ''

@description('PRINCIPAL_CASE (upper | lower | preserve); empty: the code default.')
param principalCase string = ''

@description('IGNORE_ROLES (comma-separated globs); empty: the code default.')
param ignoreRoles string = ''

@description('PRINCIPAL_SYNC_INCLUDE (comma-separated globs of role and user names); empty: the code default.')
param principalSyncInclude string = ''

@description('PRINCIPAL_SYNC_EXCLUDE (comma-separated globs of role and user names); empty: none.')
param principalSyncExclude string = ''

@description('PRINCIPAL_SYNC_SCHEDULE (six-field NCRONTAB); empty: no scheduled principal sync.')
param principalSyncSchedule string = ''

@description('PRINCIPAL_WATCH_SCHEDULE (six-field NCRONTAB); empty: principal changes are not watched.')
param principalWatchSchedule string = ''

@description('IGNORE_OBJECTS (comma-separated globs); empty: none.')
param ignoreObjects string = ''

@description('MANAGED_PRIVILEGES (comma-separated); empty: every privilege the connector maps.')
param managedPrivileges string = ''

// ---------------------------------------------------------------------------------------------------------------
// Platform
// ---------------------------------------------------------------------------------------------------------------

@description('Flex Consumption: most instances the app scales out to; Flex Consumption accepts 40 to 1000.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Flex Consumption: memory of one instance.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

// ---------------------------------------------------------------------------------------------------------------
// Automatic triggers: the warehouses' own change events on the instance's hub (docs/automatic-triggers.md). Both
// need eventHubEnabled and are off by default.
// ---------------------------------------------------------------------------------------------------------------

@description('Resource id of an Azure Databricks workspace (Premium) whose Unity Catalog audit logs (diagnostic category unityCatalog) stream to the hub; empty: none. Needs the namespace in the workspace\'s region (the deployment stops otherwise). Turns on SAS (local) auth on the Event Hub namespace, which diagnostic settings need, with the Manage, Send and Listen namespace rule Azure Monitor requires.')
param databricksWorkspaceId string = ''

@description('Create an Event Grid custom topic for a Snowflake notification integration (ALERT -> SYSTEM$SEND_SNOWFLAKE_NOTIFICATION) and a subscription that delivers its events to the hub with the topic\'s managed identity.')
param eventGridTopic bool = false

@description('Event Hub namespace SKU (Basic allows only the $Default consumer group).')
@allowed(['Standard', 'Premium'])
param eventHubSku string = 'Standard'

@description('Partitions of the hub (fixed after creation on Standard).')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@description('Private endpoint subnet (resource id); required when externalAccessEnabled is false.')
param privateEndpointSubnetId string = ''

@description('privatelink.azurewebsites.net private DNS zone (resource id) to register the private endpoint in; empty: manage DNS yourself.')
param privateDnsZoneId string = ''

@description('Key Vault purge protection (cannot be turned off once on).')
param keyVaultPurgeProtection bool = true

@description('Recover the soft-deleted vault of this instance\'s name instead of creating one: a deleted vault keeps its name (and its secrets) until it is purged, and with purge protection it cannot be purged before its retention ends. Set it for the one deployment after a deletion, then leave it false: it fails when there is no deleted vault to recover.')
param keyVaultRecover bool = false

@description('Application Insights accepts only Entra ID-authenticated telemetry (the app sends it as its managed identity).')
param appInsightsLocalAuthDisabled bool = true

@description('Log Analytics retention in days.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

// ---------------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------------

var slug = take(toLower(replace(replace(instanceName, '_', '-'), '.', '-')), 20)
var suffix = take(uniqueString(subscription().id, resourceGroup().id, instanceName), 8)
var names = {
  identity: 'id-policysync-${slug}'
  plan: 'plan-policysync-${slug}-${suffix}'
  app: 'func-policysync-${slug}-${suffix}'
  storage: 'stps${suffix}${take(replace(slug, '-', ''), 10)}'
  deploymentContainer: 'app-package'
  keyVault: 'kv-ps-${take(suffix, 6)}-${take(replace(slug, '-', ''), 10)}'
  logAnalytics: 'log-policysync-${slug}-${suffix}'
  appInsights: 'appi-policysync-${slug}-${suffix}'
  eventHubNamespace: 'evhns-policysync-${slug}-${suffix}'
  eventHub: 'policysync'
  privateEndpoint: 'pe-policysync-${slug}-${suffix}'
  eventGridTopic: 'evgt-policysync-${slug}-${suffix}'
  databricksDiagnosticSetting: 'policysync-${slug}'
}

var databricksDiagnostics = eventHubEnabled && !empty(databricksWorkspaceId)
var snowflakeTopic = eventHubEnabled && eventGridTopic
// /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Databricks/workspaces/<name>
var databricksWorkspace = split(databricksWorkspaceId, '/')
var databricksSubscriptionId = databricksDiagnostics ? databricksWorkspace[2] : subscription().subscriptionId
var databricksResourceGroupName = databricksDiagnostics ? databricksWorkspace[4] : resourceGroup().name
var databricksWorkspaceName = databricksDiagnostics ? last(databricksWorkspace) : ''

// Resource names the code also reads; they equal the code defaults in shared/settings-list.ts (checked by test).
var tasksTable = 'tasks'
var syncQueue = 'policysync-sync'
// Every table and queue the app opens (shared/runtime.ts): the templates create them and grant the app each one alone.
var tables = [tasksTable, '${tasksTable}resources', '${tasksTable}policies', '${tasksTable}open']
var queues = [syncQueue, '${syncQueue}-poison']

// ---------------------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------------------

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    retentionDays: logRetentionDays
    localAuthDisabled: appInsightsLocalAuthDisabled
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    accountName: names.storage
    deploymentContainerName: names.deploymentContainer
    tableNames: tables
    queueNames: queues
  }
}

// Azure Monitor streams a regional resource's logs only to a namespace in the same region (Diagnostic settings in
// Azure Monitor, Destinations). A workspace in another region stops the deployment here, before the namespace exists,
// instead of at its diagnostic setting.
resource databricksWorkspaceRef 'Microsoft.Databricks/workspaces@2024-05-01' existing = if (databricksDiagnostics) {
  scope: resourceGroup(databricksSubscriptionId, databricksResourceGroupName)
  name: databricksWorkspaceName
}

func regionKey(region string) string => toLower(replace(region, ' ', ''))

var eventHubLocation = !databricksDiagnostics ? location : regionKey(databricksWorkspaceRef.location) == regionKey(location) ? location : fail('The Databricks workspace ${databricksWorkspaceName} is in ${databricksWorkspaceRef.location} but the Event Hub namespace would be in ${location}: Azure Monitor streams diagnostic logs only to a namespace in the workspace\'s region. Deploy this instance with location=${databricksWorkspaceRef.location}, or leave databricksWorkspaceId empty.')

module eventHub 'modules/eventhub.bicep' = if (eventHubEnabled) {
  name: 'eventhub'
  params: {
    location: eventHubLocation
    tags: tags
    namespaceName: names.eventHubNamespace
    hubName: names.eventHub
    consumerGroupName: instanceName
    sku: eventHubSku
    partitionCount: eventHubPartitionCount
    localAuthEnabled: databricksDiagnostics
  }
}

module changeEvents 'modules/change-events.bicep' = if (databricksDiagnostics || snowflakeTopic) {
  name: 'change-events'
  params: {
    location: location
    tags: tags
    namespaceName: names.eventHubNamespace
    hubName: names.eventHub
    databricksDiagnostics: databricksDiagnostics
    eventGridTopic: snowflakeTopic
    topicName: names.eventGridTopic
  }
  dependsOn: [eventHub]
}

// The workspace may live in another resource group or subscription: its diagnostic setting is deployed there.
module databricksDiagnosticSetting 'modules/databricks-diagnostics.bicep' = if (databricksDiagnostics) {
  name: 'databricks-diagnostics'
  scope: resourceGroup(databricksSubscriptionId, databricksResourceGroupName)
  params: {
    workspaceName: databricksWorkspaceName
    settingName: names.databricksDiagnosticSetting
    eventHubAuthorizationRuleId: changeEvents.outputs.diagnosticsRuleId
    eventHubName: names.eventHub
  }
}

// Key Vault secret names allow no underscore: JWT_SECRET is stored as JWT-SECRET (infra/settings.ts).
// A secret passed empty is not written, so a redeployment without it keeps the current value.
module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    vaultName: names.keyVault
    purgeProtection: keyVaultPurgeProtection
    recover: keyVaultRecover
    secrets: {
      'JWT-SECRET': jwtSecret
      'RANGER-PASSWORD': rangerPassword
      'SNOWFLAKE-PASSWORD': snowflakePassword
      'SNOWFLAKE-PRIVATE-KEY': snowflakePrivateKey
      'DATABRICKS-TOKEN': databricksToken
      'DATABRICKS-CLIENT-SECRET': databricksClientSecret
    }
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.properties.principalId
    storageAccountName: storage.outputs.name
    tableNames: tables
    queueNames: queues
    keyVaultName: keyVault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    eventHubEnabled: eventHubEnabled
    eventHubNamespaceName: names.eventHubNamespace
    eventHubName: names.eventHub
  }
  dependsOn: [eventHub]
}

// ---------------------------------------------------------------------------------------------------------------
// App settings: exactly the settings shared/settings-list.ts declares (less infra/settings.ts NOT_DEPLOYED), plus
// the host's own (HOST_SETTINGS). Secrets are Key Vault references resolved with the user-assigned identity.
// ---------------------------------------------------------------------------------------------------------------

func kvRef(vaultUri string, secretName string) string => '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName}/)'
func flag(value bool) string => value ? 'true' : 'false'

var jwtUsesSecret = empty(jwtPublicKey) && empty(jwtJwksUrl)
var rangerUsesPassword = !empty(rangerUrl) && !empty(rangerUsername)
var isSnowflake = connectorKind == 'snowflake'
var isDatabricks = connectorKind == 'databricks_unity_catalog'
var vaultUri = keyVault.outputs.uri

var appSettings = {
  CONNECTOR_KIND: connectorKind
  CONNECTOR_INSTANCE: instanceName
  CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED: flag(apiServerEnabled)
  CONNECTOR_SNOWFLAKE_ON_DEMAND_V2_ENABLED: flag(onDemandV2Enabled)
  CONNECTOR_SNOWFLAKE_EXTERNAL_ACCESS_ENABLED: flag(externalAccessEnabled)
  CONNECTOR_SNOWFLAKE_K8S_NGINX_INGRESS_ENABLE: flag(k8sNginxIngressEnable)
  CONNECTOR_DATABRICKS_UNITY_CATALOG_API_SERVER_ENABLED: flag(apiServerEnabled)
  CONNECTOR_DATABRICKS_UNITY_CATALOG_ON_DEMAND_V2_ENABLED: flag(onDemandV2Enabled)
  CONNECTOR_DATABRICKS_UNITY_CATALOG_EXTERNAL_ACCESS_ENABLED: flag(externalAccessEnabled)
  CONNECTOR_DATABRICKS_UNITY_CATALOG_K8S_NGINX_INGRESS_ENABLE: flag(k8sNginxIngressEnable)
  CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED: flag(eventHubEnabled)
  JWT_SECRET: jwtUsesSecret ? kvRef(vaultUri, 'JWT-SECRET') : ''
  JWT_PUBLIC_KEY: jwtPublicKey
  JWT_JWKS_URL: jwtJwksUrl
  JWT_ISSUER: jwtIssuer
  JWT_AUDIENCE: jwtAudience
  JWT_MAX_TOKEN_AGE: jwtMaxTokenAge
  JWT_REQUIRED_SCOPE: jwtRequiredScope
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  TASKS_TABLE: tasksTable
  SYNC_QUEUE: syncQueue
  TASK_LEASE_SECONDS: taskLeaseSeconds
  TASK_MAX_ATTEMPTS: taskMaxAttempts
  UNIT_MAX_TABLES: unitMaxTables
  IDEMPOTENCY_TTL_HOURS: idempotencyTtlHours
  SWEEP_SCHEDULE: sweepSchedule
  SWEEP_GRACE_SECONDS: sweepGraceSeconds
  TASK_RETENTION_DAYS: taskRetentionDays
  RETENTION_SCHEDULE: retentionSchedule
  FULL_SYNC_ENABLED: flag(fullSyncEnabled)
  FULL_SYNC_SCHEDULE: fullSyncSchedule
  POLICY_POLL_SECONDS: policyPollSeconds
  CONNECTOR_SNOWFLAKE_GOVERNANCE_SCHEMA: maskingGovernanceSchema
  CONNECTOR_SNOWFLAKE_MASKING_TAKEOVER: flag(maskingTakeover)
  CONNECTOR_DATABRICKS_UNITY_CATALOG_GOVERNANCE_SCHEMA: maskingGovernanceSchema
  CONNECTOR_DATABRICKS_UNITY_CATALOG_MASKING_TAKEOVER: flag(maskingTakeover)
  EventHubConnection__fullyQualifiedNamespace: eventHubEnabled ? '${names.eventHubNamespace}.servicebus.windows.net' : ''
  EventHubConnection__credential: 'managedidentity'
  EventHubConnection__clientId: identity.properties.clientId
  EVENTHUB_NAME: names.eventHub
  EVENTHUB_CONSUMER_GROUP: instanceName
  POLICY_FILE: policyFile
  PRINCIPALS_FILE: principalsFile
  PRINCIPAL_SYNC_INCLUDE: principalSyncInclude
  PRINCIPAL_SYNC_EXCLUDE: principalSyncExclude
  PRINCIPAL_SYNC_SCHEDULE: principalSyncSchedule
  PRINCIPAL_WATCH_SCHEDULE: principalWatchSchedule
  RANGER_URL: rangerUrl
  RANGER_SERVICE_NAME: rangerServiceName
  RANGER_USERNAME: rangerUsername
  RANGER_PASSWORD: rangerUsesPassword ? kvRef(vaultUri, 'RANGER-PASSWORD') : ''
  SNOWFLAKE_ACCOUNT: snowflakeAccount
  SNOWFLAKE_USERNAME: snowflakeUsername
  SNOWFLAKE_PASSWORD: isSnowflake && snowflakeAuth == 'password' ? kvRef(vaultUri, 'SNOWFLAKE-PASSWORD') : ''
  SNOWFLAKE_PRIVATE_KEY: isSnowflake && snowflakeAuth == 'keyPair' ? kvRef(vaultUri, 'SNOWFLAKE-PRIVATE-KEY') : ''
  SNOWFLAKE_ROLE: snowflakeRole
  SNOWFLAKE_WAREHOUSE: snowflakeWarehouse
  SNOWFLAKE_ACCESS_URL: snowflakeAccessUrl
  CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES: flag(snowflakeCreateMissingRoles)
  CONNECTOR_SNOWFLAKE_CREATE_MISSING_USERS: flag(snowflakeCreateMissingUsers)
  DATABRICKS_HOST: databricksHost
  DATABRICKS_HTTP_PATH: databricksHttpPath
  DATABRICKS_TOKEN: isDatabricks && databricksAuth == 'token' ? kvRef(vaultUri, 'DATABRICKS-TOKEN') : ''
  DATABRICKS_CLIENT_ID: databricksClientId
  DATABRICKS_CLIENT_SECRET: isDatabricks && databricksAuth == 'oauthM2M' ? kvRef(vaultUri, 'DATABRICKS-CLIENT-SECRET') : ''
  DATABRICKS_CA_CERT: databricksCaCert
  DATABRICKS_MAX_CONCURRENCY: databricksMaxConcurrency
  PRINCIPAL_USER_ROLE_TEMPLATE: principalUserRoleTemplate
  PRINCIPAL_CASE: principalCase
  IGNORE_ROLES: ignoreRoles
  IGNORE_OBJECTS: ignoreObjects
  MANAGED_PRIVILEGES: managedPrivileges
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  // infra/worker-arguments.ts says why; test/infra/worker-arguments.test.ts holds this to it.
  languageWorkers__node__arguments: '--max-old-space-size=256 --max-semi-space-size=8'
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    tags: tags
    planName: names.plan
    appName: names.app
    identityId: identity.id
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${names.deploymentContainer}'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    publicNetworkAccess: externalAccessEnabled ? 'Enabled' : 'Disabled'
    appSettings: appSettings
  }
  // The app must not start before its identity may read storage, secrets and the hub.
  dependsOn: [roles]
}

module privateEndpoint 'modules/private-endpoint.bicep' = if (!externalAccessEnabled) {
  name: 'private-endpoint'
  params: {
    location: location
    tags: tags
    name: names.privateEndpoint
    siteId: functionApp.outputs.id
    subnetId: privateEndpointSubnetId
    privateDnsZoneId: privateDnsZoneId
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------------------------

// host.json extensions.http.routePrefix is "policysync/api".
var apiBase = 'https://${functionApp.outputs.defaultHostName}/policysync/api/v1'

var warnings = flatten([
  k8sNginxIngressEnable ? ['k8sNginxIngressEnable=true has no meaning on Azure Functions (the Function App serves the API itself); it is set as CONNECTOR_<KIND>_K8S_NGINX_INGRESS_ENABLE only for compatibility and the app logs the same warning.'] : []
  !externalAccessEnabled && empty(privateEndpointSubnetId) ? ['externalAccessEnabled=false needs privateEndpointSubnetId: without it the API is unreachable.'] : []
  !externalAccessEnabled && empty(privateDnsZoneId) ? ['No privateDnsZoneId: add an A record for the app (and its .scm host) in privatelink.azurewebsites.net yourself.'] : []
  apiServerEnabled && onDemandV2Enabled && jwtUsesSecret && empty(jwtSecret) ? ['jwtSecret was not passed: JWT_SECRET refers to Key Vault secret JWT-SECRET, which must already exist (a first deployment must pass it).'] : []
  empty(policyFile) && empty(rangerUrl) ? ['Neither policyFile nor rangerUrl is set: the app will not start until one policy source is configured.'] : []
  !eventHubEnabled && (!empty(databricksWorkspaceId) || eventGridTopic) ? ['databricksWorkspaceId / eventGridTopic need eventHubEnabled=true: no automatic trigger was created.'] : []
  databricksDiagnostics ? ['The Databricks diagnostic setting streams with a SAS key, so local (SAS) auth is on for the Event Hub namespace: its rules are databricks-diagnostics (Manage, Send, Listen, as Azure Monitor requires) and the namespace\'s own RootManageSharedAccessKey (docs/automatic-triggers.md says how to rotate or remove keys). Unity Catalog audit logs need a Premium workspace and arrive minutes after the change.'] : []
  snowflakeTopic ? ['Snowflake route: CREATE NOTIFICATION INTEGRATION with AZURE_EVENT_GRID_TOPIC_ENDPOINT = the eventGridTopicEndpoint output, open its AZURE_CONSENT_URL, then grant the Snowflake app "EventGrid Data Sender" on the eventGridTopicId output (docs/automatic-triggers.md).'] : []
])

output functionAppName string = functionApp.outputs.name
output taskApiUrl string = '${apiBase}/task'
output taskStatusUrl string = '${apiBase}/tasks/{taskId}'
output healthUrl string = '${apiBase}/health'
output keyVaultName string = keyVault.outputs.name
output storageAccountName string = storage.outputs.name
output managedIdentityClientId string = identity.properties.clientId
output eventHubNamespace string = eventHubEnabled ? '${names.eventHubNamespace}.servicebus.windows.net' : ''
output eventHubName string = eventHubEnabled ? names.eventHub : ''
output eventHubConsumerGroup string = eventHubEnabled ? instanceName : ''
output eventGridTopicId string = snowflakeTopic ? changeEvents.outputs.topicId : ''
output eventGridTopicEndpoint string = snowflakeTopic ? changeEvents.outputs.topicEndpoint : ''
output tokenInstructions string = jwtUsesSecret ? 'Mint a token with the HS256 key kept in Key Vault: JWT_SECRET="$(az keyvault secret show --vault-name ${keyVault.outputs.name} --name JWT-SECRET --query value -o tsv)" npm run -s token (add JWT_ISSUER / JWT_AUDIENCE when set). Send it as "Authorization: Bearer <token>" to ${apiBase}/task.' : 'Tokens are RS256 / ES256, signed by the private half of JWT_PUBLIC_KEY / the JWKS: JWT_PRIVATE_KEY_PATH=<pem> npm run -s token, or your identity provider. Send it as "Authorization: Bearer <token>" to ${apiBase}/task.'
output warnings array = warnings
