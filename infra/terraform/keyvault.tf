# Key Vault in RBAC mode. The app reads secrets through Key Vault references as its user-assigned identity
# (Key Vault Secrets User, roles.tf). Secret names allow no underscore: JWT_SECRET is stored as JWT-SECRET.

resource "azurerm_key_vault" "app" {
  name                       = local.names.key_vault
  resource_group_name        = data.azurerm_resource_group.rg.name
  location                   = local.location
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "standard"
  rbac_authorization_enabled = true
  soft_delete_retention_days = 90
  purge_protection_enabled   = var.key_vault_purge_protection
  tags                       = var.tags
}

locals {
  # Secret name -> value. Terraform is declarative: a secret left empty here is not managed (pass secrets on every
  # apply, e.g. TF_VAR_jwt_secret), and one removed from the map is deleted from the vault.
  secrets = {
    "JWT-SECRET"            = var.jwt_secret
    "RANGER-PASSWORD"       = var.ranger_password
    "SNOWFLAKE-PASSWORD"    = var.snowflake_password
    "SNOWFLAKE-PRIVATE-KEY" = var.snowflake_private_key
    "DATABRICKS-TOKEN"         = var.databricks_token
    "DATABRICKS-CLIENT-SECRET" = var.databricks_client_secret
  }
}

resource "azurerm_key_vault_secret" "app" {
  for_each     = nonsensitive(toset([for name, value in local.secrets : name if value != ""]))
  name         = each.value
  value        = local.secrets[each.value]
  key_vault_id = azurerm_key_vault.app.id
  depends_on   = [azurerm_role_assignment.deployer_secrets_officer]
}
