// Event Hub namespace, hub and this connector instance's consumer group. Entra ID only: local (SAS) auth is off,
// so publishers need the Azure Event Hubs Data Sender role and the app its Data Receiver role (modules/roles.bicep).
// The one exception is the Databricks diagnostic setting (modules/change-events.bicep): Azure Monitor streams
// resource logs to Event Hubs with a SAS key only, so local auth is on when, and only when, it is deployed.

param location string
param tags object
param namespaceName string
param hubName string
param consumerGroupName string
param sku string
param partitionCount int
@description('Allow SAS (local) auth: only for the Databricks diagnostic setting, which cannot use Entra ID.')
param localAuthEnabled bool = false

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: { name: sku, tier: sku, capacity: 1 }
  properties: {
    disableLocalAuth: !localAuthEnabled
    minimumTlsVersion: '1.2'
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    // The longest Standard keeps events: while storage is down the function holds its checkpoint, and events wait here.
    messageRetentionInDays: 7
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
}

output hubId string = hub.id
