# external_access_enabled = false: the Function App has public network access off and this private endpoint.

resource "azurerm_private_endpoint" "app" {
  count               = var.external_access_enabled ? 0 : 1
  name                = local.names.private_endpoint
  resource_group_name = data.azurerm_resource_group.rg.name
  location            = local.location
  subnet_id           = var.private_endpoint_subnet_id
  tags                = var.tags

  private_service_connection {
    name                           = local.names.private_endpoint
    private_connection_resource_id = azurerm_function_app_flex_consumption.app.id
    subresource_names              = ["sites"]
    is_manual_connection           = false
  }

  dynamic "private_dns_zone_group" {
    for_each = var.private_dns_zone_id == "" ? [] : [var.private_dns_zone_id]
    content {
      name                 = "default"
      private_dns_zone_ids = [private_dns_zone_group.value]
    }
  }
}
