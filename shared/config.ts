import { z } from 'zod';
import { missingClaimSettings, missingClaimsMessage } from './auth/settings.js';
import { carriesCredentials } from './credential-url.js';
import { SETTINGS } from './settings-list.js';

const flag = (fallback: boolean) =>
  z.enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False', '1', '0']).optional()
    .transform((v) => (v === undefined ? fallback : v.toLowerCase() === 'true' || v === '1'));
const optionalText = z.string().trim().min(1).optional();
const csv = (fallback: string) => z.string().optional().transform((v) => (v ?? fallback).split(',').map((s) => s.trim()).filter(Boolean));
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** Seconds, or a number with s, m, h or d (`24h`), the form jose and most token settings use. */
const duration = (fallback: string, min: number, max: number) => z.string().trim()
  .regex(/^\d{1,9}\s*[smhd]?$/i, 'must be seconds, or a number with s, m, h or d (24h)').default(fallback)
  .transform((v) => Number(/^\d+/.exec(v)![0]) * UNIT_SECONDS[(/[smhd]$/i.exec(v)?.[0].toLowerCase() ?? 's') as keyof typeof UNIT_SECONDS])
  .refine((seconds) => seconds >= min && seconds <= max, `must be between ${min} s and ${max / 86_400} days`);
const name = (fallback: string) => z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/i, 'must be a storage-safe name').default(fallback);

const EnvSchema = z.object({
  CONNECTOR_KIND: z.enum(['snowflake', 'databricks_unity_catalog', 'memory']).default('snowflake'),
  CONNECTOR_INSTANCE: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only').default('default'),
  CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED: flag(true),
  CONNECTOR_SNOWFLAKE_ON_DEMAND_V2_ENABLED: flag(true),
  CONNECTOR_SNOWFLAKE_EXTERNAL_ACCESS_ENABLED: flag(true),
  CONNECTOR_SNOWFLAKE_K8S_NGINX_INGRESS_ENABLE: flag(false),
  CONNECTOR_DATABRICKS_UNITY_CATALOG_API_SERVER_ENABLED: flag(true),
  CONNECTOR_DATABRICKS_UNITY_CATALOG_ON_DEMAND_V2_ENABLED: flag(true),
  CONNECTOR_DATABRICKS_UNITY_CATALOG_EXTERNAL_ACCESS_ENABLED: flag(true),
  CONNECTOR_DATABRICKS_UNITY_CATALOG_K8S_NGINX_INGRESS_ENABLE: flag(false),
  CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED: flag(false),
  JWT_SECRET: optionalText,
  JWT_PUBLIC_KEY: optionalText,
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: optionalText,
  JWT_AUDIENCE: optionalText,
  JWT_MAX_TOKEN_AGE: duration('24h', 60, 30 * 86_400),
  // RFC 6749 §3.3 scope-token characters: one scope, no spaces or quotes.
  JWT_REQUIRED_SCOPE: z.string().trim().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be one scope or role name (no spaces or quotes)').optional(),
  AzureWebJobsStorage: optionalText,
  AzureWebJobsStorage__accountName: optionalText,
  AzureWebJobsStorage__clientId: optionalText,
  TASKS_TABLE: z.string().regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'must be a valid table name').default('tasks'),
  SYNC_QUEUE: name('policysync-sync'),
  TASK_LEASE_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
  SWEEP_SCHEDULE: z.string().regex(/^\S+( \S+){5}$/, 'must be a six-field NCRONTAB expression').default('0 */1 * * * *'),
  SWEEP_GRACE_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),
  FULL_SYNC_ENABLED: flag(false),
  FULL_SYNC_SCHEDULE: z.string().regex(/^\S+( \S+){5}$/, 'must be a six-field NCRONTAB expression').default('0 0 2 * * *'),
  EVENTHUB_CONNECTION: optionalText,
  EventHubConnection__fullyQualifiedNamespace: optionalText,
  EVENTHUB_NAME: z.string().default('policysync'),
  EVENTHUB_CONSUMER_GROUP: z.string().default('$Default'),
  POLICY_FILE: optionalText,
  RANGER_URL: z.url().optional(),
  RANGER_SERVICE_NAME: optionalText,
  RANGER_USERNAME: optionalText,
  RANGER_PASSWORD: optionalText,
  SNOWFLAKE_ACCOUNT: optionalText,
  SNOWFLAKE_USERNAME: optionalText,
  SNOWFLAKE_PASSWORD: optionalText,
  SNOWFLAKE_PRIVATE_KEY: optionalText,
  SNOWFLAKE_PRIVATE_KEY_PATH: optionalText,
  SNOWFLAKE_ROLE: optionalText,
  SNOWFLAKE_WAREHOUSE: optionalText,
  SNOWFLAKE_ACCESS_URL: z.url().optional(),
  DATABRICKS_HOST: optionalText,
  DATABRICKS_HTTP_PATH: optionalText,
  DATABRICKS_TOKEN: optionalText,
  DATABRICKS_CLIENT_ID: optionalText,
  DATABRICKS_CLIENT_SECRET: optionalText,
  DATABRICKS_CA_CERT: optionalText,
  DATABRICKS_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(20).default(8),
  CONNECTOR_SNOWFLAKE_GOVERNANCE_SCHEMA: z.string().default('POLICYSYNC_GOVERNANCE'),
  CONNECTOR_SNOWFLAKE_MASKING_TAKEOVER: flag(false),
  CONNECTOR_DATABRICKS_UNITY_CATALOG_GOVERNANCE_SCHEMA: z.string().default('policysync_governance'),
  CONNECTOR_DATABRICKS_UNITY_CATALOG_MASKING_TAKEOVER: flag(false),
  CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES: flag(false),
  PRINCIPAL_USER_ROLE_TEMPLATE: z.string().includes('{name}', { message: 'must contain {name}' }).default('{name}'),
  PRINCIPAL_CASE: z.enum(['upper', 'lower', 'preserve']).optional(),
  IGNORE_ROLES: z.string().optional(),
  IGNORE_OBJECTS: csv(''),
  MANAGED_PRIVILEGES: z.string().optional().transform((v) => v?.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean)),
  PORT: z.coerce.number().int().min(0).max(65535).default(7071),
});

type Env = z.infer<typeof EnvSchema>;

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
    super(`policysync cannot serve yet: the Key Vault reference of ${settings.join(', ')} did not resolve. Check that each secret `
      + 'exists and that the app\'s identity may read it (Key Vault Secrets User), then refresh the references (docs/deploy.md, '
      + '"Key Vault references").');
    this.name = 'UnresolvedSettingsError';
  }
}

export type Config = ReturnType<typeof buildConfig>;

/** What App Service passes for a Key Vault reference it could not resolve: the reference's own text. */
const isUnresolvedReference = (value: string | undefined) => value?.startsWith('@Microsoft.KeyVault(') ?? false;
// Stands in for an unresolved setting in the cross-setting checks only (it is set, its value is not known yet); at
// least 32 bytes so that it passes the JWT_SECRET length check. It never reaches the configuration.
const UNRESOLVED = 'unresolved Key Vault reference, checked once it resolves';

/** Parses every setting once; one error names every bad or missing setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(SETTINGS.map((s) => [s.name, env[s.name] === '' ? undefined : env[s.name]]));
  // A reference's text is never a value (a JWT_SECRET of "@Microsoft.KeyVault(...)" would be a guessable signing key).
  const unresolved = Object.keys(known).filter((name) => isUnresolvedReference(known[name]));
  for (const name of unresolved) delete known[name];
  const parsed = EnvSchema.safeParse(known);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (parsed.success) problems.push(...crossChecks({ ...parsed.data, ...Object.fromEntries(unresolved.map((name) => [name, UNRESOLVED])) } as Env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return buildConfig(parsed.data, unresolved);
}

function crossChecks(e: Env): string[] {
  const problems: string[] = [];
  const keys = [e.JWT_SECRET, e.JWT_PUBLIC_KEY, e.JWT_JWKS_URL].filter(Boolean).length;
  const apiOn = entryPoints(e).api;
  if (apiOn && keys !== 1) problems.push('JWT_SECRET / JWT_PUBLIC_KEY / JWT_JWKS_URL: set exactly one while the API is enabled');
  if (e.JWT_SECRET && Buffer.byteLength(e.JWT_SECRET) < 32) problems.push('JWT_SECRET: must be at least 32 bytes');
  const auth = { publicKey: e.JWT_PUBLIC_KEY, jwksUrl: e.JWT_JWKS_URL, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE };
  const missingClaims = missingClaimSettings(auth);
  if (missingClaims.length > 0) problems.push(missingClaimsMessage(auth, missingClaims));
  if (!e.AzureWebJobsStorage && !e.AzureWebJobsStorage__accountName) problems.push('AzureWebJobsStorage: set a connection string or AzureWebJobsStorage__accountName');
  if (entryPoints(e).eventHub && !e.EVENTHUB_CONNECTION && !e.EventHubConnection__fullyQualifiedNamespace) {
    problems.push('EVENTHUB_CONNECTION: required when CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED=true (or EventHubConnection__fullyQualifiedNamespace)');
  }
  // The Event Hubs client refuses a mismatch with the whole connection string, key included, in its error.
  const entityPath = /(?:^|;)\s*EntityPath\s*=([^;]*)/i.exec(e.EVENTHUB_CONNECTION ?? '')?.[1]?.trim();
  if (entityPath && entityPath !== e.EVENTHUB_NAME) {
    problems.push('EVENTHUB_CONNECTION: its EntityPath names another Event Hub than EVENTHUB_NAME; make them the same or remove EntityPath');
  }
  for (const k of ['RANGER_URL', 'JWT_JWKS_URL', 'SNOWFLAKE_ACCESS_URL'] as const) {
    if (e[k] && carriesCredentials(e[k])) {
      problems.push(`${k}: must not carry credentials (user:password@)${k === 'RANGER_URL' ? '; set RANGER_USERNAME and RANGER_PASSWORD, the password as a Key Vault reference' : ''}`);
    }
  }
  if (!e.POLICY_FILE && !e.RANGER_URL) problems.push('POLICY_FILE or RANGER_URL: set one policy source');
  if (e.RANGER_URL && !e.RANGER_SERVICE_NAME) problems.push('RANGER_SERVICE_NAME: required with RANGER_URL');
  if (e.CONNECTOR_KIND === 'databricks_unity_catalog') {
    for (const k of ['DATABRICKS_HOST', 'DATABRICKS_HTTP_PATH'] as const) if (!e[k]) problems.push(`${k}: required when CONNECTOR_KIND=databricks_unity_catalog`);
    const oauth = Boolean(e.DATABRICKS_CLIENT_ID && e.DATABRICKS_CLIENT_SECRET);
    if (!e.DATABRICKS_TOKEN && !oauth) problems.push('DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET: required when CONNECTOR_KIND=databricks_unity_catalog');
  }
  if (e.CONNECTOR_KIND === 'snowflake') {
    for (const k of ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USERNAME'] as const) if (!e[k]) problems.push(`${k}: required when CONNECTOR_KIND=snowflake`);
    if (!e.SNOWFLAKE_PASSWORD && !e.SNOWFLAKE_PRIVATE_KEY && !e.SNOWFLAKE_PRIVATE_KEY_PATH) {
      problems.push('SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY(_PATH): required when CONNECTOR_KIND=snowflake');
    }
  }
  return problems;
}

function entryPoints(e: Env) {
  const dbx = e.CONNECTOR_KIND === 'databricks_unity_catalog';
  const v2 = dbx ? e.CONNECTOR_DATABRICKS_UNITY_CATALOG_ON_DEMAND_V2_ENABLED : e.CONNECTOR_SNOWFLAKE_ON_DEMAND_V2_ENABLED;
  const api = dbx ? e.CONNECTOR_DATABRICKS_UNITY_CATALOG_API_SERVER_ENABLED : e.CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED;
  const ingress = dbx ? e.CONNECTOR_DATABRICKS_UNITY_CATALOG_K8S_NGINX_INGRESS_ENABLE : e.CONNECTOR_SNOWFLAKE_K8S_NGINX_INGRESS_ENABLE;
  const external = dbx ? e.CONNECTOR_DATABRICKS_UNITY_CATALOG_EXTERNAL_ACCESS_ENABLED : e.CONNECTOR_SNOWFLAKE_EXTERNAL_ACCESS_ENABLED;
  return { api: v2 && api, eventHub: v2 && e.CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED, ingress, external };
}

// What each warehouse calls its built-in administrators: never granted to or revoked from unless configured.
const DEFAULT_IGNORED: Record<Env['CONNECTOR_KIND'], string> = {
  snowflake: 'ACCOUNTADMIN,ORGADMIN,SECURITYADMIN,SYSADMIN,USERADMIN,PUBLIC',
  memory: 'ACCOUNTADMIN,ORGADMIN,SECURITYADMIN,SYSADMIN,USERADMIN,PUBLIC',
  databricks_unity_catalog: 'admins,account users',
};

function buildConfig(e: Env, unresolvedSettings: readonly string[] = []) {
  const ep = entryPoints(e);
  const dbx = e.CONNECTOR_KIND === 'databricks_unity_catalog';
  const warnings: string[] = [];
  if (ep.ingress) warnings.push('K8S_NGINX_INGRESS_ENABLE is set but has no meaning on Azure Functions; the Function App itself serves the API.');
  if (unresolvedSettings.length > 0) warnings.push(new UnresolvedSettingsError(unresolvedSettings).message);
  return {
    /** Set settings whose Key Vault reference did not resolve: nothing that needs them runs until they do. */
    unresolvedSettings,
    connectorKind: e.CONNECTOR_KIND,
    instance: e.CONNECTOR_INSTANCE,
    apiEnabled: ep.api,
    eventHubEnabled: ep.eventHub,
    externalAccess: ep.external,
    warnings,
    auth: {
      secret: e.JWT_SECRET, publicKey: e.JWT_PUBLIC_KEY, jwksUrl: e.JWT_JWKS_URL, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE,
      maxTokenAgeSeconds: e.JWT_MAX_TOKEN_AGE, requiredScope: e.JWT_REQUIRED_SCOPE,
    },
    storage: { connectionString: e.AzureWebJobsStorage, accountName: e.AzureWebJobsStorage__accountName, clientId: e.AzureWebJobsStorage__clientId },
    tasksTable: e.TASKS_TABLE,
    syncQueue: e.SYNC_QUEUE,
    leaseSeconds: e.TASK_LEASE_SECONDS,
    idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
    sweepSchedule: e.SWEEP_SCHEDULE,
    sweepGraceSeconds: e.SWEEP_GRACE_SECONDS,
    fullSyncEnabled: e.FULL_SYNC_ENABLED,
    fullSyncSchedule: e.FULL_SYNC_SCHEDULE,
    eventHub: {
      connection: e.EVENTHUB_CONNECTION, namespace: e.EventHubConnection__fullyQualifiedNamespace,
      name: e.EVENTHUB_NAME, consumerGroup: e.EVENTHUB_CONSUMER_GROUP,
    },
    policy: {
      file: e.POLICY_FILE,
      ranger: e.RANGER_URL ? { url: e.RANGER_URL, serviceName: e.RANGER_SERVICE_NAME ?? '', username: e.RANGER_USERNAME, password: e.RANGER_PASSWORD } : undefined,
    },
    snowflake: {
      account: e.SNOWFLAKE_ACCOUNT ?? '', username: e.SNOWFLAKE_USERNAME ?? '', password: e.SNOWFLAKE_PASSWORD,
      privateKey: e.SNOWFLAKE_PRIVATE_KEY, privateKeyPath: e.SNOWFLAKE_PRIVATE_KEY_PATH,
      role: e.SNOWFLAKE_ROLE, warehouse: e.SNOWFLAKE_WAREHOUSE, accessUrl: e.SNOWFLAKE_ACCESS_URL,
      createMissingRoles: e.CONNECTOR_SNOWFLAKE_CREATE_MISSING_ROLES,
    },
    databricks: {
      host: e.DATABRICKS_HOST ?? '', path: e.DATABRICKS_HTTP_PATH ?? '', token: e.DATABRICKS_TOKEN,
      clientId: e.DATABRICKS_CLIENT_ID, clientSecret: e.DATABRICKS_CLIENT_SECRET, caCert: e.DATABRICKS_CA_CERT,
      maxConcurrency: e.DATABRICKS_MAX_CONCURRENCY,
    },
    masking: {
      governanceSchema: dbx ? e.CONNECTOR_DATABRICKS_UNITY_CATALOG_GOVERNANCE_SCHEMA : e.CONNECTOR_SNOWFLAKE_GOVERNANCE_SCHEMA,
      takeover: dbx ? e.CONNECTOR_DATABRICKS_UNITY_CATALOG_MASKING_TAKEOVER : e.CONNECTOR_SNOWFLAKE_MASKING_TAKEOVER,
    },
    principals: { userRoleTemplate: e.PRINCIPAL_USER_ROLE_TEMPLATE, case: e.PRINCIPAL_CASE ?? (dbx ? 'preserve' as const : 'upper' as const) },
    scope: {
      ignoreRoles: (e.IGNORE_ROLES ?? DEFAULT_IGNORED[e.CONNECTOR_KIND]).split(',').map((r) => r.trim()).filter(Boolean),
      ignoreObjects: e.IGNORE_OBJECTS, managedPrivileges: e.MANAGED_PRIVILEGES,
    },
    port: e.PORT,
  };
}
