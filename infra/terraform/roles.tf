# Every role the app's user-assigned identity holds, each on the narrowest scope that works, and nothing else:
# no Owner, Contributor or any role at resource-group level. test/infra/ lists these with their scopes.

# Host storage: the Functions host creates and uses its own containers in AzureWebJobsStorage (leases, keys, Event Hub
# checkpoints) and Flex Consumption reads the package from the deployment container. Microsoft documents Storage Blob
# Data Owner on the account as the host's own role; containers the host creates at run time cannot be scoped in
# advance, so this one stays on the account.
resource "azurerm_role_assignment" "blob_owner" {
  scope                = azurerm_storage_account.app.id
  role_definition_name = "Storage Blob Data Owner"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
  principal_type       = "ServicePrincipal"
}

# Each queue on its own: the sync queue and its poison queue (the host moves messages there).
resource "azurerm_role_assignment" "queue_contributor" {
  for_each             = azurerm_storage_queue.sync
  scope                = each.value.id
  role_definition_name = "Storage Queue Data Contributor"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
  principal_type       = "ServicePrincipal"
}

# Each table on its own: the task records and the resource states. The host's diagnostic-event tables are left out on
# purpose: without them the host logs one warning and turns that feature off.
resource "azurerm_role_assignment" "table_contributor" {
  for_each             = azapi_resource.tables
  scope                = each.value.id
  role_definition_name = "Storage Table Data Contributor"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
  principal_type       = "ServicePrincipal"
}

# Receive from this hub only (not the namespace); checkpoints go to AzureWebJobsStorage blobs.
resource "azurerm_role_assignment" "event_hub_receiver" {
  count                = var.event_hub_enabled ? 1 : 0
  scope                = azurerm_eventhub.events[0].id
  role_definition_name = "Azure Event Hubs Data Receiver"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
  principal_type       = "ServicePrincipal"
}

# Key Vault references: read secret values, nothing else.
resource "azurerm_role_assignment" "secrets_user" {
  scope                = azurerm_key_vault.app.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
  principal_type       = "ServicePrincipal"
}

# Entra ID-authenticated telemetry ingestion (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
resource "azurerm_role_assignment" "metrics_publisher" {
  scope                = azurerm_application_insights.app.id
  role_definition_name = "Monitoring Metrics Publisher"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
  principal_type       = "ServicePrincipal"
}

# Not the app's: whoever runs terraform writes the secrets through the Key Vault data plane (Bicep writes them
# through ARM and needs no such role). Scoped to this vault only.
resource "azurerm_role_assignment" "deployer_secrets_officer" {
  scope                = azurerm_key_vault.app.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}
