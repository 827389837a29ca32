import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BicepFile, maskLiterals, objectEntries, readBicep } from './bicep-reader.js';
import {
  APP_ROLES,
  BICEP_API_VERSIONS,
  BROAD_ROLES,
  CHANGE_EVENT_ROLES,
  DIAGNOSTICS_RULE_RIGHTS,
  FLEX_DEPRECATED_SITE_PROPERTIES,
  FLEX_MAXIMUM_INSTANCE_COUNT,
  PREVIEW_ALLOWED,
  VAULT_SECRETS,
} from './expected-infra.js';

// Bicep cannot compile here; these tests read its structure: resources and API versions, Flex Consumption shape,
// security properties, roles with their scopes, parameters and outputs. Settings drift: settings-drift.test.ts.
const infra = new URL('../../infra/', import.meta.url).pathname;
const main = readBicep(join(infra, 'main.bicep'));
const moduleFiles = readdirSync(join(infra, 'modules')).filter((f) => f.endsWith('.bicep'));
const modules: Record<string, BicepFile> = Object.fromEntries(
  moduleFiles.map((f) => [f, readBicep(join(infra, 'modules', f))]),
);
const all = [main, ...Object.values(modules)];
const declared = all.flatMap((f) => f.resources);

const resourceOf = (file: string, type: string) => {
  const found = modules[file]!.resources.find((r) => r.type === type && !r.existing);
  if (!found) throw new Error(`${file} declares no ${type}`);
  return found;
};

describe('Bicep resources', () => {
  it('uses only local modules, each of which exists (no registry modules)', () => {
    for (const m of main.modules) {
      expect(m.path).toMatch(/^modules\/[\w-]+\.bicep$/);
      expect(existsSync(join(infra, m.path))).toBe(true);
    }
    expect(main.modules.map((m) => m.path).sort()).toEqual(moduleFiles.map((f) => `modules/${f}`).sort());
  });

  it('pins every resource type to the expected, non-preview API version', () => {
    expect([...new Set(declared.map((r) => r.type))].sort()).toEqual(Object.keys(BICEP_API_VERSIONS).sort());
    for (const r of declared) expect(`${r.type}@${r.apiVersion}`).toBe(`${r.type}@${BICEP_API_VERSIONS[r.type]}`);
    for (const r of declared.filter((d) => !(d.type in PREVIEW_ALLOWED))) expect(r.apiVersion).not.toMatch(/preview/);
  });

  it('runs the app on a Flex Consumption plan as a Linux function app on Node 22', () => {
    const plan = resourceOf('functionapp.bicep', 'Microsoft.Web/serverfarms').body;
    expect(plan).toMatch(/sku:\s*\{\s*name:\s*'FC1',\s*tier:\s*'FlexConsumption'\s*\}/);
    expect(plan).toMatch(/reserved:\s*true/);
    const site = resourceOf('functionapp.bicep', 'Microsoft.Web/sites').body;
    expect(site).toMatch(/kind:\s*'functionapp,linux'/);
    expect(site).toMatch(/runtime:\s*\{\s*name:\s*'node',\s*version:\s*'22'\s*\}/);
    expect(site).toMatch(/scaleAndConcurrency:\s*\{[^}]*maximumInstanceCount:[^}]*instanceMemoryMB:/);
    expect(site).toMatch(/httpsOnly:\s*true/);
    expect(site).toMatch(/minTlsVersion:\s*'1\.2'/);
  });

  it('sets no site property of the Flex Consumption deprecations table', () => {
    const site = resourceOf('functionapp.bicep', 'Microsoft.Web/sites').body;
    const keys = [...maskLiterals(site).matchAll(/^\s*(\w+)\s*:/gm)].map((m) => m[1]!.toLowerCase());
    const deprecated = Object.keys(FLEX_DEPRECATED_SITE_PROPERTIES).map((k) => k.toLowerCase());
    expect(keys.filter((k) => deprecated.includes(k))).toEqual([]);
    expect(keys).toContain('mintlsversion');
  });

  it('lets the app scale out to no fewer than the 40 instances Flex Consumption requires', () => {
    const p = main.params.find((x) => x.name === 'maximumInstanceCount')!;
    expect(p.decorators).toContain(`@minValue(${FLEX_MAXIMUM_INSTANCE_COUNT.min})`);
    expect(p.decorators).toContain(`@maxValue(${FLEX_MAXIMUM_INSTANCE_COUNT.max})`);
    expect(Number(/^param maximumInstanceCount int = (\d+)$/m.exec(main.text)?.[1])).toBeGreaterThanOrEqual(
      FLEX_MAXIMUM_INSTANCE_COUNT.min,
    );
  });

  it('deploys the package from a blob container with the user-assigned identity', () => {
    const site = resourceOf('functionapp.bicep', 'Microsoft.Web/sites').body;
    expect(site).toMatch(/type:\s*'blobContainer'/);
    expect(site).toMatch(
      /authentication:\s*\{\s*type:\s*'UserAssignedIdentity'\s+userAssignedIdentityResourceId:\s*identityId\s*\}/,
    );
    expect(site).toMatch(/identity:\s*\{\s*type:\s*'UserAssigned'/);
    expect(site).toMatch(/keyVaultReferenceIdentity:\s*identityId/);
    expect(main.text).toMatch(
      /deploymentContainerUrl:\s*'\$\{storage\.outputs\.blobEndpoint\}\$\{names\.deploymentContainer\}'/,
    );
    expect(resourceOf('functionapp.bicep', 'Microsoft.Web/sites/config').body).toMatch(
      /name:\s*'appsettings'[\s\S]*properties:\s*appSettings/,
    );
  });

  it('turns publishing passwords off', () => {
    const policies = modules['functionapp.bicep']!.resources.filter(
      (r) => r.type === 'Microsoft.Web/sites/basicPublishingCredentialsPolicies',
    );
    expect(policies.map((p) => /name:\s*'(\w+)'/.exec(p.body)?.[1]).sort()).toEqual(['ftp', 'scm']);
    for (const p of policies) expect(p.body).toMatch(/allow:\s*false/);
  });

  it('keeps storage Entra ID-only with TLS 1.2, and creates the tables, both queues and the deployment container', () => {
    const account = resourceOf('storage.bicep', 'Microsoft.Storage/storageAccounts').body;
    expect(account).toMatch(/allowSharedKeyAccess:\s*false/);
    expect(account).toMatch(/minimumTlsVersion:\s*'TLS1_2'/);
    expect(account).toMatch(/allowBlobPublicAccess:\s*false/);
    expect(resourceOf('storage.bicep', 'Microsoft.Storage/storageAccounts/tableServices/tables').body).toMatch(
      /name:\s*t\b/,
    );
    expect(resourceOf('storage.bicep', 'Microsoft.Storage/storageAccounts/queueServices/queues').body).toMatch(
      /name:\s*q\b/,
    );
    expect(resourceOf('storage.bicep', 'Microsoft.Storage/storageAccounts/blobServices/containers').body).toMatch(
      /publicAccess:\s*'None'/,
    );
  });

  it('creates the Event Hub namespace, hub and consumer group only with the Event Hub flag, identity-only unless Databricks diagnostics stream to it', () => {
    expect(main.modules.find((m) => m.path === 'modules/eventhub.bicep')?.condition).toBe('eventHubEnabled');
    const ns = resourceOf('eventhub.bicep', 'Microsoft.EventHub/namespaces').body;
    // Diagnostic settings stream with a SAS key only: local auth is on exactly when the Databricks route is deployed.
    expect(ns).toMatch(/disableLocalAuth:\s*!localAuthEnabled\s*$/m);
    expect(modules['eventhub.bicep']!.text).toMatch(/^param localAuthEnabled bool = false$/m);
    expect(main.modules.find((m) => m.symbol === 'eventHub')!.body).toMatch(
      /localAuthEnabled:\s*databricksDiagnostics\s*$/m,
    );
    expect(main.text).toMatch(/^var databricksDiagnostics = eventHubEnabled && !empty\(databricksWorkspaceId\)$/m);
    resourceOf('eventhub.bicep', 'Microsoft.EventHub/namespaces/eventhubs');
    resourceOf('eventhub.bicep', 'Microsoft.EventHub/namespaces/eventhubs/consumergroups');
    expect(main.modules.find((m) => m.symbol === 'eventHub')!.body).toMatch(/consumerGroupName:\s*instanceName/);
  });

  it('keeps secrets in an RBAC-mode Key Vault, written from @secure parameters only', () => {
    const vault = resourceOf('keyvault.bicep', 'Microsoft.KeyVault/vaults').body;
    expect(vault).toMatch(/enableRbacAuthorization:\s*true/);
    expect(vault).not.toMatch(/accessPolicies/);
    expect(modules['keyvault.bicep']!.params.find((p) => p.name === 'secrets')?.secure).toBe(true);
    const written = objectEntries(
      main.modules
        .find((m) => m.symbol === 'keyVault')!
        .body.split('secrets:')[1]!
        .replace(/^\s*\{/, '')
        .split('}')[0]!,
    );
    const secure = new Set(main.params.filter((p) => p.secure).map((p) => p.name));
    expect([...written.values()].filter((v) => !secure.has(v))).toEqual([]);
    expect([...written.keys()].sort()).toEqual(VAULT_SECRETS);
  });

  it('recovers a soft-deleted vault of the same name when asked to, and otherwise creates one', () => {
    expect(resourceOf('keyvault.bicep', 'Microsoft.KeyVault/vaults').body).toMatch(
      /^\s*createMode: recover \? 'recover' : 'default'\s*$/m,
    );
    expect(main.text).toMatch(/^param keyVaultRecover bool = false$/m);
    expect(main.modules.find((m) => m.symbol === 'keyVault')!.body).toMatch(/^\s*recover: keyVaultRecover\s*$/m);
  });

  it('sends telemetry to a workspace-based Application Insights', () => {
    expect(resourceOf('monitoring.bicep', 'Microsoft.Insights/components').body).toMatch(
      /WorkspaceResourceId:\s*workspace\.id/,
    );
    expect(resourceOf('monitoring.bicep', 'Microsoft.Insights/components').body).toMatch(
      /DisableLocalAuth:\s*localAuthDisabled/,
    );
  });

  it("takes telemetry only with Entra ID, from the identity the app's exporter authenticates as", () => {
    expect(main.text).toMatch(/^param appInsightsLocalAuthDisabled bool = true$/m);
    expect(main.text).toMatch(/^\s*localAuthDisabled: appInsightsLocalAuthDisabled$/m);
    const publisher = modules['roles.bicep']!.text;
    expect(publisher).toMatch(
      /resource metricsPublisher [^\n]*\n[^]*?scope: appInsights\n[^]*?principalId: principalId\n/,
    );
    expect(main.text).toMatch(/^\s*principalId: identity\.properties\.principalId$/m);
    // shared/telemetry/setup.ts authenticates the exporter as AzureWebJobsStorage__clientId.
    const settings = objectEntries(main.variable('appSettings'));
    expect(settings.get('AzureWebJobsStorage__clientId')).toBe('identity.properties.clientId');
    expect(settings.get('APPLICATIONINSIGHTS_CONNECTION_STRING')).toBe('monitoring.outputs.connectionString');
  });

  it('closes public access and adds a private endpoint when external access is off', () => {
    expect(main.text).toMatch(/publicNetworkAccess:\s*externalAccessEnabled \? 'Enabled' : 'Disabled'/);
    const pe = main.modules.find((m) => m.path === 'modules/private-endpoint.bicep');
    expect(pe?.condition).toBe('!externalAccessEnabled');
    expect(pe!.body).toMatch(/subnetId:\s*privateEndpointSubnetId/);
    expect(resourceOf('private-endpoint.bicep', 'Microsoft.Network/privateEndpoints').body).toMatch(
      /groupIds:\s*\['sites'\]/,
    );
    expect(
      modules['private-endpoint.bicep']!.resources.find((r) => r.type.endsWith('privateDnsZoneGroups'))?.condition,
    ).toBe('!empty(privateDnsZoneId)');
  });
});

describe('Bicep role assignments', () => {
  const roles = modules['roles.bicep']!;
  const roleIds = new Map([...objectEntries(roles.variable('roleIds'))].map(([k, v]) => [k, v.replace(/'/g, '')]));
  const scopeTypes = new Map(roles.resources.filter((r) => r.existing).map((r) => [r.symbol, r.type]));
  const isAssignment = (r: { type: string }) => r.type === 'Microsoft.Authorization/roleAssignments';
  const assignments = roles.resources.filter(isAssignment);

  it("of the app identity are all in modules/roles.bicep; the only other is the Event Grid topic's, beside the topic", () => {
    const elsewhere = Object.entries(modules).flatMap(([file, m]) =>
      file === 'roles.bicep' ? [] : m.resources.filter(isAssignment).map((a) => ({ file, a })),
    );
    expect(main.resources.filter(isAssignment)).toEqual([]);
    const events = modules['change-events.bicep']!;
    const ids = new Map([...objectEntries(events.variable('roleIds'))].map(([k, v]) => [k, v.replace(/'/g, '')]));
    const types = new Map(events.resources.filter((r) => r.existing).map((r) => [r.symbol, r.type]));
    const listed = elsewhere.map(({ file, a }) => {
      const role = CHANGE_EVENT_ROLES.find(
        (r) => r.id === ids.get(/roleDefinitions',\s*roleIds\.(\w+)\)/.exec(a.body)?.[1] ?? ''),
      );
      expect(file).toBe('change-events.bicep');
      // The topic's own identity, as a service principal, only when the topic exists.
      expect(a.body).toMatch(/principalId:\s*topic\.identity\.principalId/);
      expect(a.body).toMatch(/principalType:\s*'ServicePrincipal'/);
      return {
        role: role?.role ?? 'unknown',
        id: role?.id,
        scope: types.get(/^\s*scope:\s*(\w+)(?:\[\w+\])?\s*$/m.exec(a.body)?.[1] ?? '') ?? 'unknown',
        principal: role?.principal,
        onlyWith: a.condition,
        reason: role?.reason,
      };
    });
    expect(listed).toEqual(CHANGE_EVENT_ROLES);
  });

  it('lists every role of the app identity with its scope: exactly the least-privilege set', () => {
    const listed = assignments.map((a) => {
      const scope = /^\s*scope:\s*(\w+)(?:\[\w+\])?\s*$/m.exec(a.body)?.[1];
      const key = /roleDefinitions',\s*roleIds\.(\w+)\)/.exec(a.body)?.[1];
      return {
        role: APP_ROLES.find((r) => r.id === roleIds.get(key ?? ''))?.role ?? `unknown ${key}`,
        id: roleIds.get(key ?? ''),
        scope: scope ? (scopeTypes.get(scope) ?? `unknown ${scope}`) : 'resource group (no scope)',
        ...(a.condition ? { onlyWithEventHub: a.condition === 'eventHubEnabled' } : {}),
      };
    });
    expect(listed).toEqual(APP_ROLES);
  });

  it('grant queue and table access queue by queue and table by table, for exactly the ones the app opens', () => {
    for (const [symbol, list, existing] of [
      ['queueContributor', 'queueNames', 'queues'],
      ['tableContributor', 'tableNames', 'tables'],
    ] as const) {
      const a = assignments.find((r) => r.symbol === symbol)!;
      expect(roles.text).toMatch(new RegExp(`^resource ${symbol} '[^']+' = \\[for \\(\\w+, i\\) in ${list}: \\{`, 'm'));
      expect(a.body).toMatch(new RegExp(`^\\s*scope: ${existing}\\[i\\]\\s*$`, 'm'));
      expect(a.body).toMatch(new RegExp(`name: guid\\(${existing}\\[i\\]\\.id, principalId,`));
      expect(roles.text).toMatch(
        new RegExp(`^resource ${existing} '[^']+' existing = \\[for \\w+ in ${list}: \\{`, 'm'),
      );
    }
    // The module gets the same lists the storage module creates.
    const wiring = main.modules.find((m) => m.symbol === 'roles')!.body;
    const storage = main.modules.find((m) => m.symbol === 'storage')!.body;
    for (const body of [wiring, storage]) {
      expect(body).toMatch(/^\s*tableNames:\s*tables\s*$/m);
      expect(body).toMatch(/^\s*queueNames:\s*queues\s*$/m);
    }
  });

  it('grant to the app identity as a service principal', () => {
    for (const a of assignments) {
      expect(a.body).toMatch(/principalId:\s*principalId/);
      expect(a.body).toMatch(/principalType:\s*'ServicePrincipal'/);
    }
    expect(main.modules.find((m) => m.symbol === 'roles')!.body).toMatch(
      /principalId:\s*identity\.properties\.principalId/,
    );
  });

  it('hand out no broad role anywhere', () => {
    for (const file of all) for (const id of Object.keys(BROAD_ROLES)) expect(file.text).not.toContain(id);
  });
});

describe('Bicep automatic triggers (docs/automatic-triggers.md)', () => {
  const diagnostics = modules['databricks-diagnostics.bicep']!;
  const moduleOf = (symbol: string) => main.modules.find((m) => m.symbol === symbol)!;

  it('are off by default and need the Event Hub', () => {
    expect(main.text).toMatch(/^param databricksWorkspaceId string = ''$/m);
    expect(main.text).toMatch(/^param eventGridTopic bool = false$/m);
    expect(main.text).toMatch(/^var snowflakeTopic = eventHubEnabled && eventGridTopic$/m);
    expect(moduleOf('changeEvents').condition).toBe('databricksDiagnostics || snowflakeTopic');
    expect(moduleOf('changeEvents').body).toMatch(
      /databricksDiagnostics:\s*databricksDiagnostics\s+eventGridTopic:\s*snowflakeTopic/,
    );
    expect(moduleOf('databricksDiagnosticSetting').condition).toBe('databricksDiagnostics');
  });

  it('give the Databricks diagnostic setting a namespace rule with the rights Azure Monitor requires, and no other rule', () => {
    const rule = resourceOf('change-events.bicep', 'Microsoft.EventHub/namespaces/authorizationRules');
    expect(rule.condition).toBe('databricksDiagnostics');
    expect(rule.body).toMatch(/parent:\s*namespace\s/);
    const rights = /rights:\s*\[([^\]]*)\]/
      .exec(rule.body)![1]!
      .split(',')
      .map((r) => r.trim().replace(/'/g, ''))
      .sort();
    expect(rights).toEqual([...DIAGNOSTICS_RULE_RIGHTS]);
    expect(declared.filter((r) => r.type.endsWith('authorizationRules')).map((r) => r.type)).toEqual([
      'Microsoft.EventHub/namespaces/authorizationRules',
    ]);
    // The setting names the rule; no template reads its keys.
    for (const file of all) expect(file.text).not.toMatch(/listKeys/);
  });

  it('stop the deployment before the namespace exists when the workspace is in another region', () => {
    const ref = main.resources.find((r) => r.symbol === 'databricksWorkspaceRef');
    expect(ref).toMatchObject({
      type: 'Microsoft.Databricks/workspaces',
      existing: true,
      condition: 'databricksDiagnostics',
    });
    expect(ref!.body).toMatch(/scope:\s*resourceGroup\(databricksSubscriptionId, databricksResourceGroupName\)/);
    const check = /^var eventHubLocation = (.*)$/m.exec(main.text)?.[1] ?? '';
    expect(check).toMatch(
      /^!databricksDiagnostics \? location : regionKey\(databricksWorkspaceRef\.location\) == regionKey\(location\) \? location : fail\('/,
    );
    expect(check).toMatch(/only to a namespace in the workspace\\'s region/);
    expect(main.text).toMatch(/^func regionKey\(region string\) string => toLower\(replace\(region, ' ', ''\)\)$/m);
    expect(moduleOf('eventHub').body).toMatch(/^\s*location:\s*eventHubLocation\s*$/m);
    expect(moduleOf('databricksDiagnosticSetting').body).toMatch(
      /scope:\s*resourceGroup\(databricksSubscriptionId, databricksResourceGroupName\)/,
    );
  });

  it("stream exactly the unityCatalog category of the workspace to the hub, deployed in the workspace's resource group", () => {
    const setting = resourceOf('databricks-diagnostics.bicep', 'Microsoft.Insights/diagnosticSettings').body;
    expect(setting).toMatch(/scope:\s*workspace\s/);
    expect(diagnostics.resources.find((r) => r.symbol === 'workspace')).toMatchObject({
      type: 'Microsoft.Databricks/workspaces',
      existing: true,
    });
    expect([...setting.matchAll(/category:\s*'(\w+)'/g)].map((m) => m[1])).toEqual(['unityCatalog']);
    expect(setting).toMatch(/eventHubAuthorizationRuleId:\s*eventHubAuthorizationRuleId/);
    expect(setting).toMatch(/eventHubName:\s*eventHubName/);
    const wiring = moduleOf('databricksDiagnosticSetting').body;
    expect(wiring).toMatch(/eventHubAuthorizationRuleId:\s*changeEvents\.outputs\.diagnosticsRuleId/);
    expect(wiring).toMatch(/eventHubName:\s*names\.eventHub\s/);
  });

  it("create an Entra ID-only Event Grid topic whose subscription delivers to the hub with the topic's identity", () => {
    const topic = resourceOf('change-events.bicep', 'Microsoft.EventGrid/topics');
    expect(topic.condition).toBe('eventGridTopic');
    expect(topic.body).toMatch(/identity:\s*\{\s*type:\s*'SystemAssigned'\s*\}/);
    expect(topic.body).toMatch(/disableLocalAuth:\s*true/);
    expect(topic.body).toMatch(/inputSchema:\s*'EventGridSchema'/);
    const subscription = resourceOf('change-events.bicep', 'Microsoft.EventGrid/topics/eventSubscriptions');
    expect(subscription.condition).toBe('eventGridTopic');
    expect(subscription.body).toMatch(
      /deliveryWithResourceIdentity:\s*\{\s*identity:\s*\{\s*type:\s*'SystemAssigned'\s*\}/,
    );
    expect(subscription.body).toMatch(/endpointType:\s*'EventHub'\s+properties:\s*\{\s*resourceId:\s*hub\.id\s*\}/);
    expect(subscription.body).toMatch(/dependsOn:\s*\[topicSender\]/);
    expect(main.outputs).toEqual(expect.arrayContaining(['eventGridTopicId', 'eventGridTopicEndpoint']));
  });
});

describe('Bicep parameters and outputs', () => {
  it('take the connector kind, instance name and every seed flag, the ingress flag included', () => {
    const names = main.params.map((p) => p.name);
    for (const p of [
      'connectorKind',
      'instanceName',
      'apiServerEnabled',
      'onDemandV2Enabled',
      'externalAccessEnabled',
      'k8sNginxIngressEnable',
      'eventHubEnabled',
    ]) {
      expect(names).toContain(p);
    }
    expect(main.params.find((p) => p.name === 'connectorKind')!.decorators).toContain(
      "@allowed(['snowflake', 'databricks_unity_catalog'])",
    );
  });

  it('warn about the Kubernetes ingress flag instead of dropping it', () => {
    const settings = objectEntries(main.variable('appSettings'));
    expect(settings.get('CONNECTOR_SNOWFLAKE_K8S_NGINX_INGRESS_ENABLE')).toBe('flag(k8sNginxIngressEnable)');
    expect(main.text).toMatch(
      /k8sNginxIngressEnable \? \['k8sNginxIngressEnable=true has no meaning on Azure Functions/,
    );
    expect(main.outputs).toContain('warnings');
    expect(main.text).not.toContain('#disable-next-line');
  });

  it('take every secret as a @secure parameter without a value in the example parameters file', () => {
    const secure = main.params
      .filter((p) => p.secure)
      .map((p) => p.name)
      .sort();
    // One @secure parameter per secret setting, each written to the vault (checked above).
    expect(secure.length).toBe(VAULT_SECRETS.length);
    const example = JSON.parse(readFileSync(join(infra, 'main.parameters.example.json'), 'utf8')) as {
      parameters: Record<string, unknown>;
    };
    expect(Object.keys(example.parameters).filter((k) => secure.includes(k))).toEqual([]);
    const names = new Set(main.params.map((p) => p.name));
    expect(Object.keys(example.parameters).filter((k) => !names.has(k))).toEqual([]);
  });

  it("give the task API URL under host.json's route prefix, and how to mint a token", () => {
    const host = JSON.parse(readFileSync(new URL('../../host.json', import.meta.url), 'utf8')) as {
      extensions: { http: { routePrefix: string } };
    };
    expect(main.text).toContain(
      `var apiBase = 'https://\${functionApp.outputs.defaultHostName}/${host.extensions.http.routePrefix}/v1'`,
    );
    expect(main.text).toMatch(/output taskApiUrl string = '\$\{apiBase\}\/task'/);
    expect(main.outputs).toContain('tokenInstructions');
    expect(main.text).toMatch(/npm run -s token/);
  });
});
