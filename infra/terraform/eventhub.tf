# Event Hub namespace, hub and this instance's consumer group (only with event_hub_enabled). Local (SAS) auth is
# off: publishers need Azure Event Hubs Data Sender, the app holds Data Receiver on the hub (roles.tf). The one
# exception is the Databricks diagnostic setting (change-events.tf): Azure Monitor streams resource logs to Event
# Hubs with a SAS key only, so local auth is on when, and only when, it is deployed; the namespace must then be in the
# workspace's region, which the precondition below checks before anything is created.

resource "azurerm_eventhub_namespace" "events" {
  count                        = var.event_hub_enabled ? 1 : 0
  name                         = local.names.event_hub_namespace
  resource_group_name          = data.azurerm_resource_group.rg.name
  location                     = local.location
  sku                          = var.event_hub_sku
  capacity                     = 1
  local_authentication_enabled = local.databricks_diagnostics
  minimum_tls_version          = "1.2"
  tags                         = var.tags

  lifecycle {
    precondition {
      condition     = lower(replace(local.databricks_workspace_location, " ", "")) == lower(replace(local.location, " ", ""))
      error_message = "The Databricks workspace is in ${local.databricks_workspace_location} but the Event Hub namespace would be in ${local.location}: Azure Monitor streams diagnostic logs only to a namespace in the workspace's region. Deploy with location = \"${local.databricks_workspace_location}\", or leave databricks_workspace_id empty."
    }
  }
}

resource "azurerm_eventhub" "events" {
  count             = var.event_hub_enabled ? 1 : 0
  name              = local.names.event_hub
  namespace_id      = azurerm_eventhub_namespace.events[0].id
  partition_count   = var.event_hub_partition_count
  # The longest Standard keeps events: while storage is down the function holds its checkpoint, and events wait here.
  message_retention = 7
}

resource "azurerm_eventhub_consumer_group" "instance" {
  count               = var.event_hub_enabled ? 1 : 0
  name                = var.instance_name
  namespace_name      = azurerm_eventhub_namespace.events[0].name
  eventhub_name       = azurerm_eventhub.events[0].name
  resource_group_name = data.azurerm_resource_group.rg.name
}
