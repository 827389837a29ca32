import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBicep } from './bicep-reader.js';
import {
  APP_ROLES,
  AZURERM_RELEASES,
  BICEP_ONLY_PARAMS,
  BROAD_ROLES,
  CHANGE_EVENT_ROLES,
  DEPRECATED_AZURERM_ARGUMENTS,
  DIAGNOSTICS_RULE_RIGHTS,
  FLEX_DEPRECATED_SITE_PROPERTIES,
  FLEX_MAXIMUM_INSTANCE_COUNT,
  snakeCase,
  VAULT_SECRETS,
} from './expected-infra.js';
import { constraintAdmits, nested, readTerraform, resource, type TerraformConfig } from './terraform-reader.js';

// Terraform cannot run here; the HCL parses offline (@cdktf/hcl2json) and these tests check its structure against
// the same expectations as the Bicep. Settings drift: settings-drift.test.ts.
const infra = new URL('../../infra/', import.meta.url).pathname;
let tf: TerraformConfig;
beforeAll(async () => {
  tf = await readTerraform(join(infra, 'terraform'));
});

/** Terraform resource type -> the Azure resource type it manages, for role assignment scopes. */
const AZURE_TYPE: Record<string, string> = {
  azurerm_storage_account: 'Microsoft.Storage/storageAccounts',
  azurerm_storage_queue: 'Microsoft.Storage/storageAccounts/queueServices/queues',
  azurerm_eventhub: 'Microsoft.EventHub/namespaces/eventhubs',
  azurerm_eventhub_namespace: 'Microsoft.EventHub/namespaces',
  azurerm_key_vault: 'Microsoft.KeyVault/vaults',
  azurerm_application_insights: 'Microsoft.Insights/components',
  azurerm_resource_group: 'Microsoft.Resources/resourceGroups',
};

describe('Terraform configuration', () => {
  const providers = () =>
    tf.terraform.flatMap(
      (t) => (t.required_providers as Record<string, { source: string; version: string }>[] | undefined) ?? [],
    )[0]!;

  it('parses, and pins azapi 2.x', () => {
    expect(tf.files).toContain('main.tf');
    expect(providers().azurerm?.source).toBe('hashicorp/azurerm');
    expect(providers().azapi?.version).toMatch(/^~> 2\./);
  });

  it('admits exactly the azurerm releases that have every argument it uses', () => {
    const constraint = providers().azurerm!.version;
    for (const [version, why] of Object.entries(AZURERM_RELEASES.admit))
      expect(constraintAdmits(constraint, version), `${version}: ${why}`).toBe(true);
    for (const [version, why] of Object.entries(AZURERM_RELEASES.refuse))
      expect(constraintAdmits(constraint, version), `${version}: ${why}`).toBe(false);
  });

  it('uses no argument the admitted azurerm releases deprecate', () => {
    const used = Object.entries(DEPRECATED_AZURERM_ARGUMENTS).flatMap(([type, args]) =>
      Object.entries(tf.resources[type] ?? {}).flatMap(([name, body]) =>
        args.filter((a) => a in body).map((a) => `${type}.${name}.${a}`),
      ),
    );
    expect(used).toEqual([]);
    expect(resource(tf, 'azurerm_storage_queue', 'sync').storage_account_id).toBe('${azurerm_storage_account.app.id}');
  });

  it('runs the app on a Flex Consumption plan as a Linux function app on Node 22', () => {
    expect(resource(tf, 'azurerm_service_plan', 'app')).toMatchObject({ sku_name: 'FC1', os_type: 'Linux' });
    const app = resource(tf, 'azurerm_function_app_flex_consumption', 'app');
    expect(app).toMatchObject({
      runtime_name: 'node',
      runtime_version: '22',
      storage_container_type: 'blobContainer',
      storage_authentication_type: 'UserAssignedIdentity',
      storage_user_assigned_identity_id: '${azurerm_user_assigned_identity.app.id}',
      https_only: true,
      public_network_access_enabled: '${var.external_access_enabled}',
      webdeploy_publish_basic_authentication_enabled: false,
    });
    expect(app.storage_container_endpoint).toBe(
      '${azurerm_storage_account.app.primary_blob_endpoint}${azurerm_storage_container.deployment.name}',
    );
    expect(nested(app, 'identity')).toEqual({
      type: 'UserAssigned',
      identity_ids: ['${azurerm_user_assigned_identity.app.id}'],
    });
    expect(nested(app, 'site_config').minimum_tls_version).toBe('1.2');
  });

  it('sets no site property of the Flex Consumption deprecations table', () => {
    const app = resource(tf, 'azurerm_function_app_flex_consumption', 'app');
    const set = [...Object.keys(app), ...Object.keys(nested(app, 'site_config'))];
    const deprecated = Object.values(FLEX_DEPRECATED_SITE_PROPERTIES).flatMap((p) =>
      p.terraform ? [p.terraform] : [],
    );
    expect(set.filter((k) => deprecated.includes(k))).toEqual([]);
  });

  it('refuses a maximum instance count below the 40 Flex Consumption requires', () => {
    const variable = tf.variables.maximum_instance_count!;
    const condition = String(nested(variable, 'validation').condition);
    const bounds = /^\$\{var\.maximum_instance_count >= (\d+) && var\.maximum_instance_count <= (\d+)\}$/.exec(
      condition,
    );
    expect(bounds?.slice(1).map(Number)).toEqual([FLEX_MAXIMUM_INSTANCE_COUNT.min, FLEX_MAXIMUM_INSTANCE_COUNT.max]);
    expect(variable.default).toBeGreaterThanOrEqual(FLEX_MAXIMUM_INSTANCE_COUNT.min);
    expect(resource(tf, 'azurerm_function_app_flex_consumption', 'app').maximum_instance_count).toBe(
      '${var.maximum_instance_count}',
    );
  });

  it('writes the app settings whole and points Key Vault references at the user-assigned identity', () => {
    const settings = resource(tf, 'azapi_resource_action', 'app_settings');
    expect(settings).toMatchObject({ method: 'PUT', body: { properties: '${local.app_settings}' } });
    expect(settings.resource_id).toBe('${azurerm_function_app_flex_consumption.app.id}/config/appsettings');
    const kvIdentity = resource(tf, 'azapi_resource_action', 'key_vault_reference_identity');
    expect(kvIdentity).toMatchObject({
      method: 'PATCH',
      body: { properties: { keyVaultReferenceIdentity: '${azurerm_user_assigned_identity.app.id}' } },
    });
  });

  it('keeps storage Entra ID-only with TLS 1.2, and creates the tables, both queues and the deployment container', () => {
    expect(resource(tf, 'azurerm_storage_account', 'app')).toMatchObject({
      shared_access_key_enabled: false,
      min_tls_version: 'TLS1_2',
      allow_nested_items_to_be_public: false,
    });
    expect(resource(tf, 'azurerm_storage_queue', 'sync').for_each).toBe('${local.queues}');
    expect(resource(tf, 'azapi_resource', 'tables')).toMatchObject({
      for_each: '${local.tables}',
      name: '${each.value}',
      type: expect.stringMatching(/^Microsoft\.Storage\/storageAccounts\/tableServices\/tables@/),
    });
    expect(resource(tf, 'azurerm_storage_container', 'deployment').container_access_type).toBe('private');
  });

  it('creates the Event Hub namespace, hub and consumer group only with the Event Hub flag, identity-only unless Databricks diagnostics stream to it', () => {
    for (const [type, name] of [
      ['azurerm_eventhub_namespace', 'events'],
      ['azurerm_eventhub', 'events'],
      ['azurerm_eventhub_consumer_group', 'instance'],
    ] as const) {
      expect(resource(tf, type, name).count).toBe('${var.event_hub_enabled ? 1 : 0}');
    }
    // Diagnostic settings stream with a SAS key only: local auth is on exactly when the Databricks route is deployed.
    expect(resource(tf, 'azurerm_eventhub_namespace', 'events').local_authentication_enabled).toBe(
      '${local.databricks_diagnostics}',
    );
    expect(tf.locals.databricks_diagnostics).toBe('${var.event_hub_enabled && var.databricks_workspace_id != ""}');
    expect(resource(tf, 'azurerm_eventhub_consumer_group', 'instance').name).toBe('${var.instance_name}');
  });

  it('keeps secrets in an RBAC-mode Key Vault, from sensitive variables only', () => {
    expect(resource(tf, 'azurerm_key_vault', 'app').rbac_authorization_enabled).toBe(true);
    const secrets = tf.locals.secrets as Record<string, string>;
    expect(Object.keys(secrets).sort()).toEqual(VAULT_SECRETS);
    for (const value of Object.values(secrets)) {
      const variable = /^\$\{var\.(\w+)\}$/.exec(value)?.[1];
      expect(tf.variables[variable ?? '']?.sensitive, `${value} must be a sensitive variable`).toBe(true);
    }
  });

  it('recovers a soft-deleted vault of the same name instead of failing, and never purges one', () => {
    const features = nested(tf.providers.azurerm!, 'features');
    expect(nested(features, 'key_vault')).toMatchObject({
      recover_soft_deleted_key_vaults: true,
      recover_soft_deleted_secrets: true,
      purge_soft_delete_on_destroy: false,
    });
    expect(resource(tf, 'azurerm_key_vault', 'app').soft_delete_retention_days).toBe(90);
  });

  it('sends telemetry to a workspace-based Application Insights', () => {
    expect(resource(tf, 'azurerm_application_insights', 'app').workspace_id).toBe(
      '${azurerm_log_analytics_workspace.logs.id}',
    );
  });

  it("takes telemetry only with Entra ID, from the identity the app's exporter authenticates as", () => {
    expect(resource(tf, 'azurerm_application_insights', 'app').local_authentication_disabled).toBe(
      '${var.app_insights_local_auth_disabled}',
    );
    expect(tf.variables.app_insights_local_auth_disabled?.default).toBe(true);
    expect(resource(tf, 'azurerm_role_assignment', 'metrics_publisher')).toMatchObject({
      scope: '${azurerm_application_insights.app.id}',
      role_definition_name: 'Monitoring Metrics Publisher',
      principal_id: '${azurerm_user_assigned_identity.app.principal_id}',
    });
    // shared/telemetry/setup.ts authenticates the exporter as AzureWebJobsStorage__clientId.
    const settings = tf.locals.app_settings as Record<string, string>;
    expect(settings.AzureWebJobsStorage__clientId).toBe('${azurerm_user_assigned_identity.app.client_id}');
    expect(settings.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe(
      '${azurerm_application_insights.app.connection_string}',
    );
  });

  it('adds a private endpoint when external access is off', () => {
    const pe = resource(tf, 'azurerm_private_endpoint', 'app');
    expect(pe.count).toBe('${var.external_access_enabled ? 0 : 1}');
    expect(nested(pe, 'private_service_connection')).toMatchObject({
      subresource_names: ['sites'],
      private_connection_resource_id: '${azurerm_function_app_flex_consumption.app.id}',
    });
  });
});

describe('Terraform role assignments', () => {
  const assignments = () => Object.entries(tf.resources.azurerm_role_assignment ?? {});
  // An assignment per item of a for_each has the scope `each.value.id`: the type is that of the resource iterated over.
  const scopeType = (scope: unknown, forEach?: unknown) => {
    const [, type, name] =
      (scope === '${each.value.id}'
        ? /^\$\{(\w+)\.(\w+)\}$/.exec(String(forEach))
        : /^\$\{(?:data\.)?(\w+)\.(\w+)(?:\[0\])?\.id\}$/.exec(String(scope))) ?? [];
    if (type === 'azapi_resource') return String(resource(tf, type, name!).type).replace(/@.*$/, '');
    return type ? (AZURE_TYPE[type] ?? `unknown ${type}`) : `unknown ${String(scope)}`;
  };

  // hcl2json orders blocks by name: compare as sets.
  const byRole = <T extends { role: string }>(list: readonly T[]) =>
    [...list].sort((a, b) => a.role.localeCompare(b.role));

  it('lists every role of the app identity with its scope: exactly the least-privilege set', () => {
    const listed = assignments()
      .filter(([, a]) => a.principal_id === '${azurerm_user_assigned_identity.app.principal_id}')
      .map(([, a]) => {
        const role = APP_ROLES.find((r) => r.role === a.role_definition_name);
        return {
          role: String(a.role_definition_name),
          id: role?.id,
          scope: scopeType(a.scope, a.for_each),
          ...(a.count ? { onlyWithEventHub: a.count === '${var.event_hub_enabled ? 1 : 0}' } : {}),
        };
      });
    expect(byRole(listed)).toEqual(byRole(APP_ROLES));
  });

  it('grant queue and table access queue by queue and table by table, for exactly the ones it creates', () => {
    expect(resource(tf, 'azurerm_role_assignment', 'queue_contributor')).toMatchObject({
      for_each: '${azurerm_storage_queue.sync}',
      scope: '${each.value.id}',
    });
    expect(resource(tf, 'azurerm_role_assignment', 'table_contributor')).toMatchObject({
      for_each: '${azapi_resource.tables}',
      scope: '${each.value.id}',
    });
  });

  it('give whoever runs terraform only Key Vault Secrets Officer on this vault (to write the secrets), and the Event Grid topic only Data Sender on the hub', () => {
    const others = assignments().filter(
      ([, a]) => a.principal_id !== '${azurerm_user_assigned_identity.app.principal_id}',
    );
    const [sender] = CHANGE_EVENT_ROLES;
    const listed = others.map(([name, a]) => ({
      name,
      role: a.role_definition_name,
      scope: scopeType(a.scope, a.for_each),
      principal: a.principal_id,
      count: a.count,
    }));
    expect(listed.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      {
        name: 'deployer_secrets_officer',
        role: 'Key Vault Secrets Officer',
        scope: 'Microsoft.KeyVault/vaults',
        principal: '${data.azurerm_client_config.current.object_id}',
        count: undefined,
      },
      {
        name: 'event_grid_sender',
        role: sender!.role,
        scope: sender!.scope,
        principal: '${azurerm_eventgrid_topic.snowflake[0].identity[0].principal_id}',
        count: '${local.snowflake_topic ? 1 : 0}',
      },
    ]);
    expect(resource(tf, 'azurerm_role_assignment', 'event_grid_sender').principal_type).toBe('ServicePrincipal');
  });

  it('hand out no broad role anywhere', () => {
    for (const [, a] of assignments()) {
      expect(Object.values(BROAD_ROLES)).not.toContain(a.role_definition_name);
      expect(a.role_definition_id).toBeUndefined();
    }
    const text = tf.files.map((f) => readFileSync(join(infra, 'terraform', f), 'utf8')).join('\n');
    for (const id of Object.keys(BROAD_ROLES)) expect(text).not.toContain(id);
  });
});

describe('Terraform automatic triggers (docs/automatic-triggers.md)', () => {
  it('are off by default and need the Event Hub', () => {
    expect(tf.variables.databricks_workspace_id).toMatchObject({ type: '${string}', default: '' });
    expect(tf.variables.event_grid_topic).toMatchObject({ type: '${bool}', default: false });
    expect(tf.locals.snowflake_topic).toBe('${var.event_hub_enabled && var.event_grid_topic}');
  });

  it('give the Databricks diagnostic setting a namespace rule with the rights Azure Monitor requires, and no other rule', () => {
    const rule = resource(tf, 'azurerm_eventhub_namespace_authorization_rule', 'diagnostics');
    expect(rule).toMatchObject({
      count: '${local.databricks_diagnostics ? 1 : 0}',
      namespace_name: '${azurerm_eventhub_namespace.events[0].name}',
    });
    const rights = (['listen', 'manage', 'send'] as const)
      .filter((r) => rule[r] === true)
      .map((r) => r[0]!.toUpperCase() + r.slice(1));
    expect(rights).toEqual([...DIAGNOSTICS_RULE_RIGHTS]);
    expect(Object.keys(tf.resources.azurerm_eventhub_namespace_authorization_rule ?? {})).toEqual(['diagnostics']);
    expect(tf.resources.azurerm_eventhub_authorization_rule).toBeUndefined();
  });

  it('stop the plan when the workspace is in another region than the namespace', () => {
    expect(tf.data.azapi_resource?.databricks_workspace).toMatchObject({
      count: '${local.databricks_diagnostics ? 1 : 0}',
      resource_id: '${var.databricks_workspace_id}',
      type: expect.stringMatching(/^Microsoft\.Databricks\/workspaces@/),
    });
    expect(tf.locals.databricks_workspace_location).toBe(
      '${local.databricks_diagnostics ? data.azapi_resource.databricks_workspace[0].location : local.location}',
    );
    const lifecycle = nested(resource(tf, 'azurerm_eventhub_namespace', 'events'), 'lifecycle');
    const precondition = nested(lifecycle, 'precondition');
    expect(precondition.condition).toBe(
      '${lower(replace(local.databricks_workspace_location, " ", "")) == lower(replace(local.location, " ", ""))}',
    );
    expect(String(precondition.error_message)).toMatch(/only to a namespace in the workspace's region/);
  });

  it('stream exactly the unityCatalog category of the workspace to the hub', () => {
    const setting = resource(tf, 'azurerm_monitor_diagnostic_setting', 'databricks_unity_catalog');
    expect(setting).toMatchObject({
      count: '${local.databricks_diagnostics ? 1 : 0}',
      target_resource_id: '${var.databricks_workspace_id}',
      eventhub_authorization_rule_id: '${azurerm_eventhub_namespace_authorization_rule.diagnostics[0].id}',
      eventhub_name: '${azurerm_eventhub.events[0].name}',
    });
    expect(setting.enabled_log).toEqual([{ category: 'unityCatalog' }]);
  });

  it("create an Entra ID-only Event Grid topic whose subscription delivers to the hub with the topic's identity", () => {
    const topic = resource(tf, 'azurerm_eventgrid_topic', 'snowflake');
    expect(topic).toMatchObject({
      count: '${local.snowflake_topic ? 1 : 0}',
      input_schema: 'EventGridSchema',
      local_auth_enabled: false,
    });
    expect(nested(topic, 'identity')).toEqual({ type: 'SystemAssigned' });
    const subscription = resource(tf, 'azurerm_eventgrid_event_subscription', 'to_hub');
    expect(subscription).toMatchObject({
      count: '${local.snowflake_topic ? 1 : 0}',
      scope: '${azurerm_eventgrid_topic.snowflake[0].id}',
      eventhub_endpoint_id: '${azurerm_eventhub.events[0].id}',
      event_delivery_schema: 'EventGridSchema',
      depends_on: ['${azurerm_role_assignment.event_grid_sender}'],
    });
    expect(nested(subscription, 'delivery_identity')).toEqual({ type: 'SystemAssigned' });
  });
});

describe('Terraform variables and outputs', () => {
  const bicep = readBicep(join(infra, 'main.bicep'));

  it('are the Bicep parameters and outputs, in snake_case (plus the resource group to deploy into)', () => {
    const params = bicep.params.filter((p) => !(p.name in BICEP_ONLY_PARAMS));
    expect(Object.keys(tf.variables).sort()).toEqual(
      [...params.map((p) => snakeCase(p.name)), 'resource_group_name'].sort(),
    );
    expect(Object.keys(BICEP_ONLY_PARAMS).filter((n) => !bicep.params.some((p) => p.name === n))).toEqual([]);
    expect(Object.keys(tf.outputs).sort()).toEqual(bicep.outputs.map(snakeCase).sort());
  });

  it('mark exactly the Bicep @secure parameters sensitive', () => {
    const sensitive = Object.entries(tf.variables)
      .filter(([, v]) => v.sensitive === true)
      .map(([n]) => n)
      .sort();
    expect(sensitive).toEqual(
      bicep.params
        .filter((p) => p.secure)
        .map((p) => snakeCase(p.name))
        .sort(),
    );
  });

  it('warn about the Kubernetes ingress flag instead of dropping it', () => {
    expect(JSON.stringify(tf.locals.warnings)).toContain(
      'var.k8s_nginx_ingress_enable ? [\\"k8s_nginx_ingress_enable = true has no meaning on Azure Functions',
    );
  });

  it("give the task API URL under host.json's route prefix", () => {
    const host = JSON.parse(readFileSync(new URL('../../host.json', import.meta.url), 'utf8')) as {
      extensions: { http: { routePrefix: string } };
    };
    expect(tf.locals.api_base).toBe(
      `https://\${azurerm_function_app_flex_consumption.app.default_hostname}/${host.extensions.http.routePrefix}/v1`,
    );
    expect(tf.outputs.task_api_url!.value).toBe('${local.api_base}/task');
  });

  it('keep secrets out of the example variables file', () => {
    const example = readFileSync(join(infra, 'terraform/terraform.tfvars.example'), 'utf8');
    const assigned = [...example.matchAll(/^\s*(\w+)\s*=/gm)].map((m) => m[1]!);
    expect(assigned.filter((n) => tf.variables[n]?.sensitive)).toEqual([]);
    expect(assigned.filter((n) => !(n in tf.variables))).toEqual([]);
  });
});
