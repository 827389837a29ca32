// Private endpoint of the Function App (EXTERNAL_ACCESS_ENABLED=false): the API is reachable only from the
// endpoint's virtual network. DNS: the privatelink.azurewebsites.net zone when one is given.

param location string
param tags object
param name string
param siteId string
param subnetId string
@description('Resource id of a privatelink.azurewebsites.net private DNS zone; empty: manage DNS yourself.')
param privateDnsZoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: siteId
          groupIds: ['sites']
        }
      }
    ]
  }
}

resource dnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = if (!empty(privateDnsZoneId)) {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'privatelink-azurewebsites-net'
        properties: { privateDnsZoneId: privateDnsZoneId }
      }
    ]
  }
}
