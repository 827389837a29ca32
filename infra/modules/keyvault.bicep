// Key Vault in RBAC mode holding the app's secrets. The app reads them through Key Vault references with its
// user-assigned identity (Key Vault Secrets User, modules/roles.bicep); nobody gets an access policy.

param location string
param tags object
param vaultName string
param purgeProtection bool
@description('Recover the soft-deleted vault of this name (createMode recover) instead of creating a new one.')
param recover bool

@description('Secret name -> value. An empty value is not written, so a redeployment without it keeps the stored secret.')
@secure()
param secrets object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    // 'default' fails while a soft-deleted vault holds the name; 'recover' fails when none does.
    createMode: recover ? 'recover' : 'default'
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for s in items(secrets): if (!empty(s.value)) {
  parent: vault
  name: s.key
  properties: { value: s.value }
}]

output name string = vault.name
output uri string = vault.properties.vaultUri
