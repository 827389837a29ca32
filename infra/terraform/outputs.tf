locals {
  # host.json extensions.http.routePrefix is "policysync/api".
  api_base = "https://${azurerm_function_app_flex_consumption.app.default_hostname}/policysync/api/v1"

  warnings = concat(
    var.k8s_nginx_ingress_enable ? ["k8s_nginx_ingress_enable = true has no meaning on Azure Functions (the Function App serves the API itself); it is set as CONNECTOR_<KIND>_K8S_NGINX_INGRESS_ENABLE only for compatibility and the app logs the same warning."] : [],
    !var.external_access_enabled && var.private_dns_zone_id == "" ? ["No private_dns_zone_id: add an A record for the app (and its .scm host) in privatelink.azurewebsites.net yourself."] : [],
    var.api_server_enabled && var.on_demand_v2_enabled && local.jwt_uses_secret && nonsensitive(var.jwt_secret == "") ? ["jwt_secret is empty: JWT_SECRET refers to Key Vault secret JWT-SECRET, which is not managed by this apply; pass TF_VAR_jwt_secret."] : [],
    var.policy_file == "" && var.ranger_url == "" ? ["Neither policy_file nor ranger_url is set: the app will not start until one policy source is configured."] : [],
    !var.event_hub_enabled && (var.databricks_workspace_id != "" || var.event_grid_topic) ? ["databricks_workspace_id / event_grid_topic need event_hub_enabled = true: no automatic trigger was created."] : [],
    local.databricks_diagnostics ? ["The Databricks diagnostic setting streams with a SAS key, so local (SAS) auth is on for the Event Hub namespace: its rules are databricks-diagnostics (Manage, Send, Listen, as Azure Monitor requires) and the namespace's own RootManageSharedAccessKey (docs/automatic-triggers.md says how to rotate or remove keys). Unity Catalog audit logs need a Premium workspace and arrive minutes after the change."] : [],
    local.snowflake_topic ? ["Snowflake route: CREATE NOTIFICATION INTEGRATION with AZURE_EVENT_GRID_TOPIC_ENDPOINT = the event_grid_topic_endpoint output, open its AZURE_CONSENT_URL, then grant the Snowflake app \"EventGrid Data Sender\" on the event_grid_topic_id output (docs/automatic-triggers.md)."] : [],
  )
}

output "function_app_name" {
  value = azurerm_function_app_flex_consumption.app.name
}

output "task_api_url" {
  value = "${local.api_base}/task"
}

output "task_status_url" {
  value = "${local.api_base}/tasks/{taskId}"
}

output "health_url" {
  value = "${local.api_base}/health"
}

output "key_vault_name" {
  value = azurerm_key_vault.app.name
}

output "storage_account_name" {
  value = azurerm_storage_account.app.name
}

output "managed_identity_client_id" {
  value = azurerm_user_assigned_identity.app.client_id
}

output "event_hub_namespace" {
  value = var.event_hub_enabled ? "${local.names.event_hub_namespace}.servicebus.windows.net" : ""
}

output "event_hub_name" {
  value = var.event_hub_enabled ? local.names.event_hub : ""
}

output "event_hub_consumer_group" {
  value = var.event_hub_enabled ? var.instance_name : ""
}

output "event_grid_topic_id" {
  value = local.snowflake_topic ? azurerm_eventgrid_topic.snowflake[0].id : ""
}

output "event_grid_topic_endpoint" {
  value = local.snowflake_topic ? azurerm_eventgrid_topic.snowflake[0].endpoint : ""
}

output "token_instructions" {
  value = local.jwt_uses_secret ? "Mint a token with the HS256 key kept in Key Vault: JWT_SECRET=\"$(az keyvault secret show --vault-name ${azurerm_key_vault.app.name} --name JWT-SECRET --query value -o tsv)\" npm run -s token (add JWT_ISSUER / JWT_AUDIENCE when set). Send it as \"Authorization: Bearer <token>\" to ${local.api_base}/task." : "Tokens are RS256 / ES256, signed by the private half of JWT_PUBLIC_KEY / the JWKS: JWT_PRIVATE_KEY_PATH=<pem> npm run -s token, or your identity provider. Send it as \"Authorization: Bearer <token>\" to ${local.api_base}/task."
}

output "warnings" {
  value = local.warnings
}
