# Optional automatic triggers on the instance's Event Hub (docs/automatic-triggers.md), both off by default; the
# Terraform twin of infra/modules/change-events.bicep and databricks-diagnostics.bicep.

locals {
  databricks_diagnostics = var.event_hub_enabled && var.databricks_workspace_id != ""
  snowflake_topic        = var.event_hub_enabled && var.event_grid_topic
}

# Azure Monitor streams resource logs to Event Hubs with a SAS key only, from a namespace rule (a hub-level rule id
# is refused). With the hub named in the diagnostic setting, Send is the only right it needs.
resource "azurerm_eventhub_namespace_authorization_rule" "diagnostics_send" {
  count               = local.databricks_diagnostics ? 1 : 0
  name                = "databricks-diagnostics-send"
  namespace_name      = azurerm_eventhub_namespace.events[0].name
  resource_group_name = data.azurerm_resource_group.rg.name
  listen              = false
  send                = true
  manage              = false
}

# Unity Catalog audit logs of the workspace (Premium tier), wherever it lives, streamed to the hub.
resource "azurerm_monitor_diagnostic_setting" "databricks_unity_catalog" {
  count                          = local.databricks_diagnostics ? 1 : 0
  name                           = "policysync-${local.slug}"
  target_resource_id             = var.databricks_workspace_id
  eventhub_authorization_rule_id = azurerm_eventhub_namespace_authorization_rule.diagnostics_send[0].id
  eventhub_name                  = azurerm_eventhub.events[0].name

  enabled_log {
    category = "unityCatalog"
  }
}

# The topic a Snowflake notification integration publishes to. Snowflake authenticates as its multi-tenant app with
# an Entra ID token (EventGrid Data Sender on this topic, granted after the consent step): no access keys.
resource "azurerm_eventgrid_topic" "snowflake" {
  count                         = local.snowflake_topic ? 1 : 0
  name                          = local.names.event_grid_topic
  resource_group_name           = data.azurerm_resource_group.rg.name
  location                      = local.location
  input_schema                  = "EventGridSchema"
  local_auth_enabled            = false
  public_network_access_enabled = true
  tags                          = var.tags

  identity {
    type = "SystemAssigned"
  }
}

# The topic's identity delivers to this hub only (not the namespace).
resource "azurerm_role_assignment" "event_grid_sender" {
  count                = local.snowflake_topic ? 1 : 0
  scope                = azurerm_eventhub.events[0].id
  role_definition_name = "Azure Event Hubs Data Sender"
  principal_id         = azurerm_eventgrid_topic.snowflake[0].identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_eventgrid_event_subscription" "to_hub" {
  count                 = local.snowflake_topic ? 1 : 0
  name                  = "to-policysync-hub"
  scope                 = azurerm_eventgrid_topic.snowflake[0].id
  event_delivery_schema = "EventGridSchema"
  eventhub_endpoint_id  = azurerm_eventhub.events[0].id

  delivery_identity {
    type = "SystemAssigned"
  }

  retry_policy {
    max_delivery_attempts = 30
    event_time_to_live    = 1440
  }

  # Deliveries before the role exists would be refused and retried; wait for it instead.
  depends_on = [azurerm_role_assignment.event_grid_sender]
}
