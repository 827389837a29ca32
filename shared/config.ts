import { z } from 'zod';
import { missingClaimSettings, missingClaimsMessage } from './auth/settings.js';
import type { Connector } from './connectors/connector.js';
import { WAREHOUSES, warehouseOfKind } from './connectors/modules.js';
import type { ConnectOptions, WarehouseModule, WarehouseSettings } from './connectors/warehouse-module.js';
import { carriesCredentials } from './credential-url.js';
import { type SettingValues, settingsSchema } from './setting.js';
import { COMMON_SETTINGS, SETTINGS } from './settings-list.js';

type Common = SettingValues<typeof COMMON_SETTINGS>;
/** Each warehouse's connection settings, under its name (`config.snowflake`, `config.databricks`). */
type Connections = {
  [W in (typeof WAREHOUSES)[number] as W['name']]: W extends WarehouseModule<infer C, string> ? C : never;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`policysync cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Settings whose Key Vault reference App Service could not resolve. The service starts without them and reports them
 * (health), and everything that needs the services refuses with this error until a refresh of the references lets
 * the next start read them.
 */
export class UnresolvedSettingsError extends Error {
  readonly code = 'SETTINGS_UNRESOLVED';
  constructor(readonly settings: readonly string[]) {
    super(
      `policysync cannot serve yet: the Key Vault reference of ${settings.join(', ')} did not resolve. Check that each secret ` +
        "exists and that the app's identity may read it (Key Vault Secrets User), then refresh the references (docs/deploy.md, " +
        '"Key Vault references").',
    );
    this.name = 'UnresolvedSettingsError';
  }
}

export type Config = ReturnType<typeof buildConfig>;

/** What App Service passes for a Key Vault reference it could not resolve: the reference's own text. */
const isUnresolvedReference = (value: string | undefined) => value?.startsWith('@Microsoft.KeyVault(') ?? false;
// Stands in for an unresolved setting in the cross-setting checks only (it is set, its value is not known yet); at
// least 32 bytes so that it passes the JWT_SECRET length check. It never reaches the configuration.
const UNRESOLVED = 'unresolved Key Vault reference, checked once it resolves';

/**
 * Parses every setting once; one error names every bad or missing setting. CONNECTOR_KIND picks the warehouse here,
 * once, among `warehouses`: the real ones, unless a test's local host serves its fixture besides them.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  warehouses: readonly WarehouseModule[] = WAREHOUSES,
): Config {
  const settings = [...SETTINGS, ...warehouses.flatMap((w) => w.settings)];
  const known: Record<string, string | undefined> = Object.fromEntries(
    settings.map((s) => [s.name, env[s.name] === '' ? undefined : env[s.name]]),
  );
  // A reference's text is never a value (a JWT_SECRET of "@Microsoft.KeyVault(...)" would be a guessable signing key).
  const unresolved = Object.keys(known).filter((name) => isUnresolvedReference(known[name]));
  for (const name of unresolved) delete known[name];
  for (const s of settings) known[s.name] ??= s.default;

  const kinds = warehouses.map((w) => w.kind) as [string, ...string[]];
  const common = settingsSchema(COMMON_SETTINGS)
    .extend({ CONNECTOR_KIND: z.enum(kinds) })
    .safeParse(known);
  // A warehouse's settings are its name's: a test fixture that reads Snowflake's settings shares their section.
  const sections = new Map(warehouses.map((w) => [w.name, w.schema.safeParse(known)]));
  const problems = [common, ...sections.values()].flatMap((r) =>
    r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
  );
  const warehouse = common.success ? warehouseOfKind(common.data.CONNECTOR_KIND, warehouses) : undefined;
  const own = warehouse && sections.get(warehouse.name);
  if (!common.success || !warehouse || !own?.success || problems.length > 0) throw new ConfigError(problems);

  const placeholders: Record<string, string> = Object.fromEntries(unresolved.map((name) => [name, UNRESOLVED]));
  problems.push(...crossChecks({ ...common.data, ...placeholders }, entryPoints(common.data, own.data)));
  for (const w of warehouses)
    problems.push(...w.problems((name) => placeholders[name] ?? known[name], w === warehouse));
  if (problems.length > 0) throw new ConfigError(problems);
  const connections = Object.fromEntries(
    WAREHOUSES.map((w) => [w.name, (sections.get(w.name)!.data as WarehouseSettings<unknown>).connection]),
  ) as Connections;
  return buildConfig(common.data, warehouse, own.data, connections, unresolved);
}

function crossChecks(e: Common, on: { api: boolean; eventHub: boolean }): string[] {
  const problems: string[] = [];
  const keys = [e.JWT_SECRET, e.JWT_PUBLIC_KEY, e.JWT_JWKS_URL].filter(Boolean).length;
  if (on.api && keys !== 1)
    problems.push('JWT_SECRET / JWT_PUBLIC_KEY / JWT_JWKS_URL: set exactly one while the API is enabled');
  if (e.JWT_SECRET && Buffer.byteLength(e.JWT_SECRET) < 32) problems.push('JWT_SECRET: must be at least 32 bytes');
  const auth = { publicKey: e.JWT_PUBLIC_KEY, jwksUrl: e.JWT_JWKS_URL, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE };
  const missingClaims = missingClaimSettings(auth);
  if (missingClaims.length > 0) problems.push(missingClaimsMessage(auth, missingClaims));
  if (!e.AzureWebJobsStorage && !e.AzureWebJobsStorage__accountName)
    problems.push('AzureWebJobsStorage: set a connection string or AzureWebJobsStorage__accountName');
  if (on.eventHub && !e.EVENTHUB_CONNECTION && !e.EventHubConnection__fullyQualifiedNamespace) {
    problems.push(
      'EVENTHUB_CONNECTION: required when CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED=true (or EventHubConnection__fullyQualifiedNamespace)',
    );
  }
  // The Event Hubs client refuses a mismatch with the whole connection string, key included, in its error.
  const entityPath = /(?:^|;)\s*EntityPath\s*=([^;]*)/i.exec(e.EVENTHUB_CONNECTION ?? '')?.[1]?.trim();
  if (entityPath && entityPath !== e.EVENTHUB_NAME) {
    problems.push(
      'EVENTHUB_CONNECTION: its EntityPath names another Event Hub than EVENTHUB_NAME; make them the same or remove EntityPath',
    );
  }
  for (const k of ['RANGER_URL', 'JWT_JWKS_URL'] as const) {
    if (e[k] && carriesCredentials(e[k])) {
      problems.push(
        `${k}: must not carry credentials (user:password@)${k === 'RANGER_URL' ? '; set RANGER_USERNAME and RANGER_PASSWORD, the password as a Key Vault reference' : ''}`,
      );
    }
  }
  // A key outliving its task would make a repeat of its request re-create the deleted task under the same id.
  if (e.TASK_RETENTION_DAYS * 24 < e.IDEMPOTENCY_TTL_HOURS)
    problems.push('TASK_RETENTION_DAYS: must cover IDEMPOTENCY_TTL_HOURS (a key must not outlive the task it names)');
  if (!e.POLICY_FILE && !e.RANGER_URL) problems.push('POLICY_FILE or RANGER_URL: set one policy source');
  if (e.RANGER_URL && !e.RANGER_SERVICE_NAME) problems.push('RANGER_SERVICE_NAME: required with RANGER_URL');
  return problems;
}

function entryPoints(e: Common, own: WarehouseSettings<unknown>) {
  const { onDemandV2, api, ingress, externalAccess } = own.entry;
  return {
    api: onDemandV2 && api,
    eventHub: onDemandV2 && e.CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED,
    ingress,
    external: externalAccess,
  };
}

function buildConfig(
  e: Common,
  warehouse: WarehouseModule,
  own: WarehouseSettings<unknown>,
  connections: Connections,
  unresolvedSettings: readonly string[],
) {
  const ep = entryPoints(e, own);
  const warnings: string[] = [];
  if (ep.ingress)
    warnings.push(
      'K8S_NGINX_INGRESS_ENABLE is set but has no meaning on Azure Functions; the Function App itself serves the API.',
    );
  if (unresolvedSettings.length > 0) warnings.push(new UnresolvedSettingsError(unresolvedSettings).message);
  return {
    /** Set settings whose Key Vault reference did not resolve: nothing that needs them runs until they do. */
    unresolvedSettings,
    connectorKind: warehouse.kind,
    /** The warehouse CONNECTOR_KIND names, and its connector, made from its own settings. */
    warehouse: {
      module: warehouse,
      connect: (options: ConnectOptions): Promise<Connector> => warehouse.connect(own.connection, options),
    },
    instance: e.CONNECTOR_INSTANCE,
    apiEnabled: ep.api,
    eventHubEnabled: ep.eventHub,
    externalAccess: ep.external,
    warnings,
    auth: {
      secret: e.JWT_SECRET,
      publicKey: e.JWT_PUBLIC_KEY,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      maxTokenAgeSeconds: e.JWT_MAX_TOKEN_AGE,
      requiredScope: e.JWT_REQUIRED_SCOPE,
    },
    storage: {
      connectionString: e.AzureWebJobsStorage,
      accountName: e.AzureWebJobsStorage__accountName,
      clientId: e.AzureWebJobsStorage__clientId,
    },
    tasksTable: e.TASKS_TABLE,
    syncQueue: e.SYNC_QUEUE,
    leaseSeconds: e.TASK_LEASE_SECONDS,
    maxAttempts: e.TASK_MAX_ATTEMPTS,
    unitMaxTables: e.UNIT_MAX_TABLES,
    idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
    sweepSchedule: e.SWEEP_SCHEDULE,
    sweepGraceSeconds: e.SWEEP_GRACE_SECONDS,
    retentionDays: e.TASK_RETENTION_DAYS,
    retentionSchedule: e.RETENTION_SCHEDULE,
    fullSyncEnabled: e.FULL_SYNC_ENABLED,
    fullSyncSchedule: e.FULL_SYNC_SCHEDULE,
    /** The policy watcher's NCRONTAB schedule; undefined when POLICY_POLL_SECONDS is 0. */
    policyWatchSchedule: pollSchedule(e.POLICY_POLL_SECONDS),
    eventHub: {
      connection: e.EVENTHUB_CONNECTION,
      namespace: e.EventHubConnection__fullyQualifiedNamespace,
      name: e.EVENTHUB_NAME,
      consumerGroup: e.EVENTHUB_CONSUMER_GROUP,
    },
    policy: {
      file: e.POLICY_FILE,
      ranger: e.RANGER_URL
        ? {
            url: e.RANGER_URL,
            serviceName: e.RANGER_SERVICE_NAME ?? '',
            username: e.RANGER_USERNAME,
            password: e.RANGER_PASSWORD,
          }
        : undefined,
    },
    ...connections,
    masking: own.masking,
    principalSync: {
      file: e.PRINCIPALS_FILE,
      include: e.PRINCIPAL_SYNC_INCLUDE,
      exclude: e.PRINCIPAL_SYNC_EXCLUDE,
      schedule: e.PRINCIPAL_SYNC_SCHEDULE,
      watchSchedule: e.PRINCIPAL_WATCH_SCHEDULE,
    },
    principals: {
      userRoleTemplate: e.PRINCIPAL_USER_ROLE_TEMPLATE,
      case: e.PRINCIPAL_CASE ?? warehouse.defaults.principalCase,
    },
    scope: {
      ignoreRoles: (e.IGNORE_ROLES ?? warehouse.defaults.ignoreRoles)
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
      ignoreObjects: e.IGNORE_OBJECTS,
      managedPrivileges: e.MANAGED_PRIVILEGES,
    },
    port: e.PORT,
    telemetry: {
      appInsightsConnectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    },
  };
}

/** POLICY_POLL_SECONDS as the Functions timer's six-field NCRONTAB (seconds first); the setting admits only exact ones. */
function pollSchedule(seconds: number): string | undefined {
  if (seconds === 0) return undefined;
  if (seconds < 60) return `*/${seconds} * * * * *`;
  return seconds === 3600 ? '0 0 * * * *' : `0 */${seconds / 60} * * * *`;
}
