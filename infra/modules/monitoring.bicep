// Log Analytics workspace and the workspace-based Application Insights the Functions host sends telemetry to.

param location string
param tags object
param logAnalyticsName string
param appInsightsName string
param retentionDays int
@description('true: only Entra ID-authenticated ingestion (the app authenticates as its managed identity).')
param localAuthDisabled bool

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: localAuthDisabled
  }
}

output appInsightsName string = appInsights.name
output connectionString string = appInsights.properties.ConnectionString
