terraform {
  required_version = ">= 1.5"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.30"
    }
    # azapi covers two gaps of azurerm_function_app_flex_consumption (see app.tf): it writes an
    # AzureWebJobsStorage connection string with an empty key even for identity-based storage, and it has no
    # key_vault_reference_identity_id in every 4.x release.
    azapi = {
      source  = "Azure/azapi"
      version = "~> 2.0"
    }
  }
}

provider "azurerm" {
  features {}
  # The storage account has shared-key access off: the provider must use Entra ID for any data-plane call.
  storage_use_azuread = true
}

provider "azapi" {}
