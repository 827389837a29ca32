// The Azure Databricks workspace's diagnostic setting that streams Unity Catalog audit logs (category unityCatalog)
// to the instance's Event Hub. Deployed into the workspace's resource group (main.bicep scopes this module there):
// a diagnostic setting is an extension resource of the workspace. The workspace needs the Premium tier.

param workspaceName string
param settingName string
@description('Resource id of the namespace authorization rule the setting streams with (modules/change-events.bicep).')
param eventHubAuthorizationRuleId string
param eventHubName string

resource workspace 'Microsoft.Databricks/workspaces@2024-05-01' existing = {
  name: workspaceName
}

// No GA API version of resource diagnostic settings exists; 2021-05-01-preview is the current one.
resource unityCatalogToHub 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: workspace
  properties: {
    eventHubAuthorizationRuleId: eventHubAuthorizationRuleId
    eventHubName: eventHubName
    logs: [
      {
        category: 'unityCatalog'
        enabled: true
      }
    ]
  }
}
