// Every role the app's user-assigned identity holds, each on the narrowest scope that works, and nothing else:
// no Owner, Contributor or any role at resource-group level. test/infra/ lists these with their scopes.

@description('Principal (object) id of the user-assigned identity.')
param principalId string
param storageAccountName string
@description('The tables the app opens; it may read and write these and no other table of the account.')
param tableNames array
@description('The queues the app and its queue trigger use; it may use these and no other queue of the account.')
param queueNames array
param keyVaultName string
param appInsightsName string
param eventHubEnabled bool
param eventHubNamespaceName string
param eventHubName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = [for q in queueNames: {
  parent: queueService
  name: q
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = [for t in tableNames: {
  parent: tableService
  name: t
}]

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource eventHubNamespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = if (eventHubEnabled) {
  name: eventHubNamespaceName
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = if (eventHubEnabled) {
  parent: eventHubNamespace
  name: eventHubName
}

var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// Host storage: the Functions host creates and uses its own containers in AzureWebJobsStorage (azure-webjobs-hosts
// for leases, azure-webjobs-secrets for keys, azure-webjobs-eventhub for Event Hub checkpoints) and Flex Consumption
// reads the package from the deployment container. Microsoft documents Storage Blob Data Owner on the account as the
// host's own role ("Connecting to host storage with an identity"); containers the host creates at run time cannot
// be scoped in advance, so this one stays on the account.
resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roleIds.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Each queue on its own: the sync queue (the API and the sweeper send, the trigger receives) and its poison queue
// (the host moves messages there).
resource queueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (q, i) in queueNames: {
  name: guid(queues[i].id, principalId, roleIds.storageQueueDataContributor)
  scope: queues[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageQueueDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

// Each table on its own: the task records and the resource states. The host's diagnostic-event tables
// (AzureFunctionsDiagnosticEvents<yyyyMM>) are left out on purpose: without them the host logs one warning and turns
// that feature off.
resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (t, i) in tableNames: {
  name: guid(tables[i].id, principalId, roleIds.storageTableDataContributor)
  scope: tables[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

// Receive from this hub only (not the namespace); checkpoints go to AzureWebJobsStorage blobs.
resource eventHubReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (eventHubEnabled) {
  name: guid(resourceId('Microsoft.EventHub/namespaces/eventhubs', eventHubNamespaceName, eventHubName), principalId, roleIds.eventHubsDataReceiver)
  scope: hub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.eventHubsDataReceiver)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Key Vault references (JWT_SECRET, warehouse and Ranger credentials): read secret values, nothing else.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roleIds.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Entra ID-authenticated telemetry ingestion (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
