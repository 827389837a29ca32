# policysync: one connector instance on Azure Functions Flex Consumption (the Terraform twin of infra/main.bicep).

data "azurerm_resource_group" "rg" {
  name = var.resource_group_name
}

data "azurerm_client_config" "current" {}

locals {
  location = coalesce(var.location, data.azurerm_resource_group.rg.location)
  slug     = substr(lower(replace(replace(var.instance_name, "_", "-"), ".", "-")), 0, 20)
  compact  = substr(replace(local.slug, "-", ""), 0, 10)
  suffix   = substr(sha1("${data.azurerm_resource_group.rg.id}/${var.instance_name}"), 0, 8)

  names = {
    identity             = "id-policysync-${local.slug}"
    plan                 = "plan-policysync-${local.slug}-${local.suffix}"
    app                  = "func-policysync-${local.slug}-${local.suffix}"
    storage              = "stps${local.suffix}${local.compact}"
    deployment_container = "app-package"
    key_vault            = "kv-ps-${substr(local.suffix, 0, 6)}-${local.compact}"
    log_analytics        = "log-policysync-${local.slug}-${local.suffix}"
    app_insights         = "appi-policysync-${local.slug}-${local.suffix}"
    event_hub_namespace  = "evhns-policysync-${local.slug}-${local.suffix}"
    event_hub            = "policysync"
    private_endpoint     = "pe-policysync-${local.slug}-${local.suffix}"
    event_grid_topic     = "evgt-policysync-${local.slug}-${local.suffix}"
  }

  # Resource names the code also reads; they equal the code defaults in shared/settings-list.ts (checked by test).
  tasks_table = "tasks"
  sync_queue  = "policysync-sync"
  # Every table and queue the app opens (shared/runtime.ts): created here and granted to the app each one alone.
  tables = toset([local.tasks_table, "${local.tasks_table}resources", "${local.tasks_table}policies", "${local.tasks_table}open"])
  queues = toset([local.sync_queue, "${local.sync_queue}-poison"])
}

resource "azurerm_user_assigned_identity" "app" {
  name                = local.names.identity
  resource_group_name = data.azurerm_resource_group.rg.name
  location            = local.location
  tags                = var.tags
}

# --- Monitoring ----------------------------------------------------------------------------------------------------

resource "azurerm_log_analytics_workspace" "logs" {
  name                = local.names.log_analytics
  resource_group_name = data.azurerm_resource_group.rg.name
  location            = local.location
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = var.tags
}

resource "azurerm_application_insights" "app" {
  name                = local.names.app_insights
  resource_group_name = data.azurerm_resource_group.rg.name
  location            = local.location
  application_type    = "web"
  workspace_id        = azurerm_log_analytics_workspace.logs.id
  local_authentication_disabled = var.app_insights_local_auth_disabled
  tags                = var.tags
}

# --- Storage: AzureWebJobsStorage, the app's tables, sync queue + poison queue, deployment container ------------------

resource "azurerm_storage_account" "app" {
  name                            = local.names.storage
  resource_group_name             = data.azurerm_resource_group.rg.name
  location                        = local.location
  account_kind                    = "StorageV2"
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  allow_nested_items_to_be_public = false
  min_tls_version                 = "TLS1_2"
  https_traffic_only_enabled      = true
  tags                            = var.tags
}

resource "azurerm_storage_container" "deployment" {
  name                  = local.names.deployment_container
  storage_account_id    = azurerm_storage_account.app.id
  container_access_type = "private"
}

resource "azurerm_storage_queue" "sync" {
  for_each           = local.queues
  name               = each.value
  storage_account_id = azurerm_storage_account.app.id
}

# Through the control plane: azurerm_storage_table would need a data-plane role for whoever runs terraform.
resource "azapi_resource" "tables" {
  for_each  = local.tables
  type      = "Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01"
  name      = each.value
  parent_id = "${azurerm_storage_account.app.id}/tableServices/default"
  body      = {}
}
