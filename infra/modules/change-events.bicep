// Optional automatic triggers on the instance's Event Hub (docs/automatic-triggers.md), both off by default:
// - Databricks: the namespace authorization rule the workspace's diagnostic setting streams with
//   (modules/databricks-diagnostics.bicep). Azure Monitor streams resource logs to Event Hubs only with a SAS key, from
//   a namespace-level rule: diagnostic settings refuse a hub-level rule id ("Expected types are
//   'microsoft.eventhub/namespaces/authorizationrules'"). Its documentation (Diagnostic settings in Azure Monitor,
//   Destinations) requires Manage, Send and Listen on that rule. That is as narrow as Azure allows: the namespace holds
//   this instance's hub and nothing else, and the key never leaves Azure (the setting names the rule, not its key).
// - Snowflake: an Event Grid custom topic the Snowflake notification integration publishes to (Entra ID only, the
//   Snowflake app holds EventGrid Data Sender on it), and a subscription that delivers its events to the hub with the
//   topic's system-assigned identity, which may send to this hub and nothing else.

param location string
param tags object
param namespaceName string
param hubName string
@description('Create the rule the Databricks diagnostic setting streams with.')
param databricksDiagnostics bool
@description('Create the Event Grid topic and its subscription to the hub.')
param eventGridTopic bool
param topicName string

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: namespaceName
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = {
  parent: namespace
  name: hubName
}

resource diagnosticsRule 'Microsoft.EventHub/namespaces/authorizationRules@2024-01-01' = if (databricksDiagnostics) {
  parent: namespace
  name: 'databricks-diagnostics'
  properties: {
    rights: ['Listen', 'Manage', 'Send']
  }
}

resource topic 'Microsoft.EventGrid/topics@2022-06-15' = if (eventGridTopic) {
  name: topicName
  location: location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    inputSchema: 'EventGridSchema'
    // Snowflake publishes as its multi-tenant app with an Entra ID token; no access key is ever handed out.
    disableLocalAuth: true
    // Snowflake publishes from its own network.
    publicNetworkAccess: 'Enabled'
  }
}

var roleIds = {
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975'
}

// The topic's identity delivers to this hub only (not the namespace): the least Event Grid needs.
resource topicSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (eventGridTopic) {
  name: guid(hub.id, topicName, roleIds.eventHubsDataSender)
  scope: hub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.eventHubsDataSender)
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource toHub 'Microsoft.EventGrid/topics/eventSubscriptions@2022-06-15' = if (eventGridTopic) {
  parent: topic
  name: 'to-policysync-hub'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    deliveryWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      destination: {
        endpointType: 'EventHub'
        properties: {
          resourceId: hub.id
        }
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
  // Deliveries before the role exists would be refused and retried; wait for it instead.
  dependsOn: [topicSender]
}

output diagnosticsRuleId string = databricksDiagnostics ? diagnosticsRule.id : ''
output topicId string = eventGridTopic ? topic.id : ''
output topicEndpoint string = eventGridTopic ? topic.properties.endpoint : ''
