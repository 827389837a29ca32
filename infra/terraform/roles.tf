# Every role the app's user-assigned identity holds, each on the narrowest scope that works, and nothing else:
# no Owner, Contributor or any role at resource-group level. test/infra/ lists these with their scopes.

# Host storage (AzureWebJobsStorage blob leases and keys) and the Flex Consumption deployment container.
resource "azurerm_role_assignment" "blob_owner" {
  scope                = azurerm_storage_account.app.id
  role_definition_name = "Storage Blob Data Owner"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
  principal_type       = "ServicePrincipal"
}

# The sync queue, its poison queue and the queue trigger.
resource "azurerm_role_assignment" "queue_contributor" {
  scope                = azurerm_storage_account.app.id
  role_definition_name = "Storage Queue Data Contributor"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
  principal_type       = "ServicePrincipal"
}

# The task table.
resource "azurerm_role_assignment" "table_contributor" {
  scope                = azurerm_storage_account.app.id
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
