terraform {
  required_version = ">= 1.5"
  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      # 4.46.0 is the first release whose azurerm_storage_queue takes storage_account_id (CHANGELOG-v4.md); 5.0
      # removed arguments this configuration still needs in 4.x (local_authentication_disabled on Application
      # Insights, eventhub_endpoint_id on the Event Grid subscription).
      version = ">= 4.46.0, < 5.0.0"
    }
    # azapi covers two gaps of azurerm_function_app_flex_consumption (see app.tf): it writes an
    # AzureWebJobsStorage connection string with an empty key even for identity-based storage, and no release has
    # key_vault_reference_identity_id on it. It also reads the Databricks workspace's region (change-events.tf).
    azapi = {
      source  = "Azure/azapi"
      version = "~> 2.0"
    }
  }
}

provider "azurerm" {
  features {
    key_vault {
      # A vault of this instance's name that was deleted (and is still soft-deleted) is recovered, secrets included,
      # instead of failing the apply on a name in use; destroy leaves the vault recoverable instead of purging it.
      recover_soft_deleted_key_vaults = true
      recover_soft_deleted_secrets    = true
      purge_soft_delete_on_destroy    = false
    }
  }
  # The storage account has shared-key access off: the provider must use Entra ID for any data-plane call.
  storage_use_azuread = true
}

provider "azapi" {}
