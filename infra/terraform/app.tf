# Flex Consumption plan and the Function App: Linux, Node 22, the user-assigned identity for everything.

resource "azurerm_service_plan" "app" {
  name                = local.names.plan
  resource_group_name = data.azurerm_resource_group.rg.name
  location            = local.location
  os_type             = "Linux"
  sku_name            = "FC1"
  tags                = var.tags
}

resource "azurerm_function_app_flex_consumption" "app" {
  name                = local.names.app
  resource_group_name = data.azurerm_resource_group.rg.name
  location            = local.location
  service_plan_id     = azurerm_service_plan.app.id

  # The deployment container. These are the current arguments in every release up to 5.2; the deployment_storage and
  # backend_storage blocks that would replace them exist only in an unmerged provider change.
  storage_container_type            = "blobContainer"
  storage_container_endpoint        = "${azurerm_storage_account.app.primary_blob_endpoint}${azurerm_storage_container.deployment.name}"
  storage_authentication_type       = "UserAssignedIdentity"
  storage_user_assigned_identity_id = azurerm_user_assigned_identity.app.id
  runtime_name                      = "node"
  runtime_version                   = "22"
  maximum_instance_count            = var.maximum_instance_count
  instance_memory_in_mb             = var.instance_memory_mb

  https_only                                     = true
  public_network_access_enabled                  = var.external_access_enabled
  webdeploy_publish_basic_authentication_enabled = false

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.app.id]
  }

  site_config {
    minimum_tls_version = "1.2"
    http2_enabled       = true
  }

  # App settings are written whole by azapi_resource_action.app_settings below.
  app_settings = {}

  lifecycle {
    ignore_changes = [app_settings]
    precondition {
      condition     = var.external_access_enabled || var.private_endpoint_subnet_id != ""
      error_message = "external_access_enabled = false needs private_endpoint_subnet_id: without it the API is unreachable."
    }
  }

  tags = var.tags

  # The app must not start before its identity may read storage, secrets and the hub.
  depends_on = [
    azurerm_role_assignment.blob_owner,
    azurerm_role_assignment.queue_contributor,
    azurerm_role_assignment.table_contributor,
    azurerm_role_assignment.event_hub_receiver,
    azurerm_role_assignment.secrets_user,
    azurerm_role_assignment.metrics_publisher,
  ]
}

locals {
  vault_uri            = azurerm_key_vault.app.vault_uri
  jwt_uses_secret      = var.jwt_public_key == "" && var.jwt_jwks_url == ""
  ranger_uses_password = var.ranger_url != "" && var.ranger_username != ""
  is_snowflake         = var.connector_kind == "snowflake"
  is_databricks        = var.connector_kind == "databricks_unity_catalog"
  kv_ref               = { for name in keys(local.secrets) : name => "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault.app.vault_uri}secrets/${name}/)" }

  # Exactly the settings shared/settings-list.ts declares (less infra/settings.ts NOT_DEPLOYED), plus the host's
  # own (HOST_SETTINGS). Secrets are Key Vault references resolved with the user-assigned identity.
  app_settings = {
    CONNECTOR_KIND                                              = var.connector_kind
    CONNECTOR_INSTANCE                                          = var.instance_name
    CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED                      = tostring(var.api_server_enabled)
    CONNECTOR_SNOWFLAKE_ON_DEMAND_V2_ENABLED                    = tostring(var.on_demand_v2_enabled)
    CONNECTOR_SNOWFLAKE_EXTERNAL_ACCESS_ENABLED                 = tostring(var.external_access_enabled)
    CONNECTOR_SNOWFLAKE_K8S_NGINX_INGRESS_ENABLE                = tostring(var.k8s_nginx_ingress_enable)
    CONNECTOR_DATABRICKS_UNITY_CATALOG_API_SERVER_ENABLED       = tostring(var.api_server_enabled)
    CONNECTOR_DATABRICKS_UNITY_CATALOG_ON_DEMAND_V2_ENABLED     = tostring(var.on_demand_v2_enabled)
    CONNECTOR_DATABRICKS_UNITY_CATALOG_EXTERNAL_ACCESS_ENABLED  = tostring(var.external_access_enabled)
    CONNECTOR_DATABRICKS_UNITY_CATALOG_K8S_NGINX_INGRESS_ENABLE = tostring(var.k8s_nginx_ingress_enable)
    CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED              = tostring(var.event_hub_enabled)
    JWT_SECRET                                                  = local.jwt_uses_secret ? local.kv_ref["JWT-SECRET"] : ""
    JWT_PUBLIC_KEY                                              = var.jwt_public_key
    JWT_JWKS_URL                                                = var.jwt_jwks_url
    JWT_ISSUER                                                  = var.jwt_issuer
    JWT_AUDIENCE                                                = var.jwt_audience
    JWT_MAX_TOKEN_AGE                                           = var.jwt_max_token_age
    JWT_REQUIRED_SCOPE                                          = var.jwt_required_scope
    AzureWebJobsStorage__accountName                            = azurerm_storage_account.app.name
    AzureWebJobsStorage__credential                             = "managedidentity"
    AzureWebJobsStorage__clientId                               = azurerm_user_assigned_identity.app.client_id
    TASKS_TABLE                                                 = local.tasks_table
    SYNC_QUEUE                                                  = local.sync_queue
    TASK_LEASE_SECONDS                                          = var.task_lease_seconds
    TASK_MAX_ATTEMPTS                                           = var.task_max_attempts
    UNIT_MAX_TABLES                                             = var.unit_max_tables
    IDEMPOTENCY_TTL_HOURS                                       = var.idempotency_ttl_hours
    SWEEP_SCHEDULE                                              = var.sweep_schedule
    SWEEP_GRACE_SECONDS                                         = var.sweep_grace_seconds
    TASK_RETENTION_DAYS                                         = var.task_retention_days
    RETENTION_SCHEDULE                                          = var.retention_schedule
    FULL_SYNC_ENABLED                                           = tostring(var.full_sync_enabled)
    FULL_SYNC_SCHEDULE                                          = var.full_sync_schedule
    POLICY_POLL_SECONDS                                         = var.policy_poll_seconds
    CONNECTOR_SNOWFLAKE_GOVERNANCE_SCHEMA                       = var.masking_governance_schema
    CONNECTOR_SNOWFLAKE_MASKING_TAKEOVER                        = tostring(var.masking_takeover)
    CONNECTOR_DATABRICKS_UNITY_CATALOG_GOVERNANCE_SCHEMA        = var.masking_governance_schema
    CONNECTOR_DATABRICKS_UNITY_CATALOG_MASKING_TAKEOVER         = tostring(var.masking_takeover)
    EventHubConnection__fullyQualifiedNamespace                 = var.event_hub_enabled ? "${local.names.event_hub_namespace}.servicebus.windows.net" : ""
    EventHubConnection__credential                              = "managedidentity"
    EventHubConnection__clientId                                = azurerm_user_assigned_identity.app.client_id
    EVENTHUB_NAME                                               = local.names.event_hub
    EVENTHUB_CONSUMER_GROUP                                     = var.instance_name
    POLICY_FILE                                                 = var.policy_file
    PRINCIPALS_FILE                                             = var.principals_file
    PRINCIPAL_SYNC_INCLUDE                                      = var.principal_sync_include
    PRINCIPAL_SYNC_EXCLUDE                                      = var.principal_sync_exclude
    PRINCIPAL_SYNC_SCHEDULE                                     = var.principal_sync_schedule
    PRINCIPAL_WATCH_SCHEDULE                                    = var.principal_watch_schedule
    RANGER_URL                                                  = var.ranger_url
    RANGER_SERVICE_NAME                                         = var.ranger_service_name
    RANGER_USERNAME                                             = var.ranger_username
    RANGER_PASSWORD                                             = local.ranger_uses_password ? local.kv_ref["RANGER-PASSWORD"] : ""
    SNOWFLAKE_ACCOUNT                                           = var.snowflake_account
    SNOWFLAKE_USERNAME                                          = var.snowflake_username
    SNOWFLAKE_PASSWORD                                          = local.is_snowflake && var.snowflake_auth == "password" ? local.kv_ref["SNOWFLAKE-PASSWORD"] : ""
    SNOWFLAKE_PRIVATE_KEY                                       = local.is_snowflake && var.snowflake_auth == "keyPair" ? local.kv_ref["SNOWFLAKE-PRIVATE-KEY"] : ""
    SNOWFLAKE_ROLE                                              = var.snowflake_role
    SNOWFLAKE_WAREHOUSE                                         = var.snowflake_warehouse
    SNOWFLAKE_ACCESS_URL                                        = var.snowflake_access_url
    CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES                    = tostring(var.snowflake_create_missing_roles)
    CONNECTOR_SNOWFLAKE_CREATE_MISSING_USERS                    = tostring(var.snowflake_create_missing_users)
    DATABRICKS_HOST                                             = var.databricks_host
    DATABRICKS_HTTP_PATH                                        = var.databricks_http_path
    DATABRICKS_TOKEN                                            = local.is_databricks && var.databricks_auth == "token" ? local.kv_ref["DATABRICKS-TOKEN"] : ""
    DATABRICKS_CLIENT_ID                                        = var.databricks_client_id
    DATABRICKS_CLIENT_SECRET                                    = local.is_databricks && var.databricks_auth == "oauthM2M" ? local.kv_ref["DATABRICKS-CLIENT-SECRET"] : ""
    DATABRICKS_CA_CERT                                          = var.databricks_ca_cert
    DATABRICKS_MAX_CONCURRENCY                                  = var.databricks_max_concurrency
    PRINCIPAL_USER_ROLE_TEMPLATE                                = var.principal_user_role_template
    PRINCIPAL_CASE                                              = var.principal_case
    IGNORE_ROLES                                                = var.ignore_roles
    IGNORE_OBJECTS                                              = var.ignore_objects
    MANAGED_PRIVILEGES                                          = var.managed_privileges
    APPLICATIONINSIGHTS_CONNECTION_STRING                       = azurerm_application_insights.app.connection_string
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING                   = "ClientId=${azurerm_user_assigned_identity.app.client_id};Authorization=AAD"
    languageWorkers__node__arguments                            = "--max-old-space-size=256 --max-semi-space-size=8"
  }
}

# Replaces the app settings whole (PUT), so the `AzureWebJobsStorage` connection string the azurerm resource adds
# for Flex apps (with an empty key, even with identity-based storage: terraform-provider-azurerm#29693) is gone;
# our config would otherwise prefer it over AzureWebJobsStorage__accountName. Re-run whenever the app changes.
resource "azapi_resource_action" "app_settings" {
  type        = "Microsoft.Web/sites/config@2024-04-01"
  resource_id = "${azurerm_function_app_flex_consumption.app.id}/config/appsettings"
  method      = "PUT"
  body        = { properties = local.app_settings }

  lifecycle {
    replace_triggered_by = [azurerm_function_app_flex_consumption.app]
  }
  depends_on = [azapi_resource_action.key_vault_reference_identity]
}

# Key Vault references resolve with the user-assigned identity (no azurerm release has key_vault_reference_identity_id
# on the flex resource).
resource "azapi_resource_action" "key_vault_reference_identity" {
  type        = "Microsoft.Web/sites@2024-04-01"
  resource_id = azurerm_function_app_flex_consumption.app.id
  method      = "PATCH"
  body        = { properties = { keyVaultReferenceIdentity = azurerm_user_assigned_identity.app.id } }

  lifecycle {
    replace_triggered_by = [azurerm_function_app_flex_consumption.app]
  }
}
