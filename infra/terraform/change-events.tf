# Optional automatic triggers on the instance's Event Hub (docs/automatic-triggers.md), both off by default; the
# Terraform twin of infra/modules/change-events.bicep and databricks-diagnostics.bicep.

locals {
  databricks_diagnostics = var.event_hub_enabled && var.databricks_workspace_id != ""
  snowflake_topic        = var.event_hub_enabled && var.event_grid_topic
  # The workspace may be in another subscription: azapi reads it by its id.
  databricks_workspace_location = local.databricks_diagnostics ? data.azapi_resource.databricks_workspace[0].location : local.location
}

# Azure Monitor streams a regional resource's logs only to a namespace in the same region (Diagnostic settings in
# Azure Monitor, Destinations): the namespace's precondition (eventhub.tf) compares the two and stops the plan.
data "azapi_resource" "databricks_workspace" {
  count       = local.databricks_diagnostics ? 1 : 0
  type        = "Microsoft.Databricks/workspaces@2024-05-01"
  resource_id = var.databricks_workspace_id
}

# Azure Monitor streams resource logs to Event Hubs only with a SAS key, from a namespace-level rule: diagnostic
# settings refuse a hub-level rule id. Its documentation requires Manage, Send and Listen on that rule. That is as
# narrow as Azure allows: the namespace holds this instance's hub and nothing else, and the key never leaves Azure.
resource "azurerm_eventhub_namespace_authorization_rule" "diagnostics" {
  count               = local.databricks_diagnostics ? 1 : 0
  name                = "databricks-diagnostics"
  namespace_name      = azurerm_eventhub_namespace.events[0].name
  resource_group_name = data.azurerm_resource_group.rg.name
  listen              = true
  send                = true
  manage              = true
}

# Unity Catalog audit logs of the workspace (Premium tier), wherever it lives, streamed to the hub.
resource "azurerm_monitor_diagnostic_setting" "databricks_unity_catalog" {
  count                          = local.databricks_diagnostics ? 1 : 0
  name                           = "policysync-${local.slug}"
  target_resource_id             = var.databricks_workspace_id
  eventhub_authorization_rule_id = azurerm_eventhub_namespace_authorization_rule.diagnostics[0].id
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
