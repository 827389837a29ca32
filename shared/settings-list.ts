import { Cron } from 'croner';
import { z } from 'zod';
import { WAREHOUSES } from './connectors/modules.js';
import { boundedInt, csv, flag, optionalText, type Setting, setting } from './setting.js';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** Seconds, or a number with s, m, h or d (`24h`), the form jose and most token settings use. */
const duration = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,9}\s*[smhd]?$/i, 'must be seconds, or a number with s, m, h or d (24h)')
    .transform(
      (v) =>
        Number(/^\d+/.exec(v)![0]) *
        UNIT_SECONDS[(/[smhd]$/i.exec(v)?.[0].toLowerCase() ?? 's') as keyof typeof UNIT_SECONDS],
    )
    .refine((seconds) => seconds >= min && seconds <= max, `must be between ${min} s and ${max / 86_400} days`);
const storageName = z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/i, 'must be a storage-safe name');
/** The Functions host's NCRONTAB: six fields, seconds first; croner reads it the same way, so a bad one fails start-up. */
const ncrontab = z
  .string()
  .regex(/^\S+( \S+){5}$/, 'must be a six-field NCRONTAB expression (seconds first)')
  .refine((expr) => {
    try {
      new Cron(expr, { paused: true }).stop();
      return true;
    } catch {
      return false;
    }
  }, 'is not a valid NCRONTAB expression');

/** A poll interval a timer can keep: seconds dividing a minute, or whole minutes dividing an hour; 0 is off. */
const pollSeconds = boundedInt(0, 3600).refine(
  (s) => s === 0 || (s < 60 && 60 % s === 0) || (s % 60 === 0 && 60 % (s / 60) === 0),
  'must be 0 (off) or divide a minute (5, 10, 15, 20, 30) or an hour in whole minutes (60, 120, 300 ... 3600)',
);

/** CONNECTOR_KIND: read as text here; the configuration holds it to the warehouses it knows. */
export const CONNECTOR_KIND = setting('CONNECTOR_KIND', z.string(), {
  default: 'snowflake',
  description: `Which warehouse this instance syncs: ${WAREHOUSES.map((w) => `\`${w.kind}\``).join(' or ')}.`,
});

/** The settings every deployment has, whatever its warehouse. */
export const COMMON_SETTINGS = [
  CONNECTOR_KIND,
  setting('CONNECTOR_INSTANCE', z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only'), {
    default: 'default',
    description: 'Name of this connector instance (one deployment per instance); appears in logs and task records.',
  }),
  setting('CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED', flag, {
    default: 'false',
    description: 'Consume RESOURCE_SYNC events (and warehouse change events) from Azure Event Hub.',
  }),
  setting('JWT_SECRET', optionalText, {
    secret: true,
    description: 'HS256 shared secret (at least 32 bytes). Exactly one of JWT_SECRET, JWT_PUBLIC_KEY, JWT_JWKS_URL.',
  }),
  setting('JWT_PUBLIC_KEY', optionalText, { description: 'PEM public key for RS256 / ES256 tokens.' }),
  setting('JWT_JWKS_URL', z.url().optional(), { description: 'JWKS URL for RS256 / ES256 tokens.' }),
  setting('JWT_ISSUER', optionalText, {
    description:
      'Required `iss` claim. Must be set with JWT_PUBLIC_KEY or JWT_JWKS_URL (an identity provider signs tokens for every application it serves); optional with JWT_SECRET.',
  }),
  setting('JWT_AUDIENCE', optionalText, {
    description:
      "Required `aud` claim (this API's application id URI or client id). Must be set with JWT_PUBLIC_KEY or JWT_JWKS_URL; optional with JWT_SECRET.",
  }),
  setting('JWT_MAX_TOKEN_AGE', duration(60, 30 * 86_400), {
    default: '24h',
    description:
      'Longest token lifetime (`exp` - `iat`) accepted: seconds, or a number with `s`, `m`, `h` or `d`. Tokens must carry `iat`; longer-lived tokens are refused.',
  }),
  setting(
    'JWT_REQUIRED_SCOPE',
    z
      .string()
      .trim()
      .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be one scope or role name (no spaces or quotes)')
      .optional(),
    {
      description:
        'When set, a token must grant this scope or app role in `scp` (Entra ID delegated), `scope` (OAuth) or `roles` (Entra ID app roles), or it is refused with 403: for an identity provider shared with other applications.',
    },
  ),
  setting('AzureWebJobsStorage', optionalText, {
    secret: true,
    description:
      'Storage connection string (tables and queues). In Azure, use `AzureWebJobsStorage__accountName` with a managed identity instead.',
  }),
  setting('AzureWebJobsStorage__accountName', optionalText, {
    description: 'Storage account name for identity-based access (managed identity).',
  }),
  setting('AzureWebJobsStorage__clientId', optionalText, {
    description: 'Client id of the user-assigned managed identity used for storage.',
  }),
  setting('TASKS_TABLE', z.string().regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'must be a valid table name'), {
    default: 'tasks',
    description: 'Table holding task records.',
  }),
  setting('SYNC_QUEUE', storageName, {
    default: 'policysync-sync',
    description: 'Queue the sync worker consumes (its poison queue is `<name>-poison`).',
  }),
  setting('IDEMPOTENCY_TTL_HOURS', boundedInt(1, 24 * 30), {
    default: '24',
    description:
      "How long an `Idempotency-Key` (scoped to the token's subject) or an Event Hub event id names its task; after that the same key creates a new task. 1 to 720.",
  }),
  setting('TASK_LEASE_SECONDS', boundedInt(10, 3600), {
    default: '300',
    description: 'How long a worker holds a claimed task before another worker may take it over.',
  }),
  setting('TASK_MAX_ATTEMPTS', boundedInt(1, 100), {
    default: '5',
    description:
      'Attempts a task, or a unit of a fanned-out task, gets: the attempt that fails at the cap, a claim that would pass it, or the sweeper finding it at the cap and not running, ends it FAILED with the last error.',
  }),
  setting('UNIT_MAX_TABLES', boundedInt(10, 100_000), {
    default: '500',
    description:
      'The most tables and views one unit of a fanned-out task syncs: a schema holding more is cut into slices of at most this many (ranges of names, each its own queue message), its own grants synced once after its slices. 10 to 100000.',
  }),
  setting('SWEEP_SCHEDULE', ncrontab, {
    default: '*/15 * * * * *',
    description:
      'NCRONTAB schedule of the sweeper that re-dispatches tasks stuck in NEW, WAITING, or INPROGRESS with an expired lease, found through the status index; it re-sends only a message that is gone from the queue, and sends the message of a task stored without one (a failed send) 10 s after its creation. A run reads only the open tasks, so a short period costs little.',
  }),
  setting('SWEEP_GRACE_SECONDS', boundedInt(5, 86_400), {
    default: '60',
    description:
      'How long a task may sit unchanged, and its message wait, before the sweeper looks at it (and re-dispatches it if nothing else will).',
  }),
  setting('TASK_RETENTION_DAYS', boundedInt(1, 3650), {
    default: '30',
    description:
      'Days a finished task (with its resource rows) and an idle resource-state row are kept before the retention timer deletes them. Must cover IDEMPOTENCY_TTL_HOURS.',
  }),
  setting('RETENTION_SCHEDULE', ncrontab, {
    default: '0 30 3 * * *',
    description:
      'NCRONTAB schedule of the retention timer that deletes finished tasks, expired idempotency keys and idle resource-state rows.',
  }),
  setting('FULL_SYNC_ENABLED', flag, {
    default: 'false',
    description:
      'Run the scheduled full sync: every database (catalog) through the same pipeline, recorded as a task with source SCHEDULE.',
  }),
  setting('FULL_SYNC_SCHEDULE', ncrontab, {
    default: '0 0 2 * * *',
    description: 'NCRONTAB schedule of the full sync.',
  }),
  setting('POLICY_POLL_SECONDS', pollSeconds, {
    default: '30',
    description:
      'How often the policy watcher reads the policy source (Ranger Admin answers 304 when nothing changed) and syncs the objects whose access a policy change, or a validity schedule starting or ending, affected. A divisor of 60 seconds or of 60 minutes (5, 10, 15, 30, 60, 120 ...); `0` turns the watcher off.',
  }),
  setting('EVENTHUB_CONNECTION', optionalText, {
    secret: true,
    description:
      'Event Hub connection string (local host). In Azure, use `EventHubConnection__fullyQualifiedNamespace` with a managed identity.',
  }),
  setting('EventHubConnection__fullyQualifiedNamespace', optionalText, {
    description: 'Event Hubs namespace host for identity-based access.',
  }),
  setting('EVENTHUB_NAME', z.string(), { default: 'policysync', description: 'Event Hub name.' }),
  setting('EVENTHUB_CONSUMER_GROUP', z.string(), {
    default: '$Default',
    description: 'Consumer group of this connector instance.',
  }),
  setting('POLICY_FILE', optionalText, {
    description:
      'Path of a Ranger policy JSON file (a ServicePolicies download, an export, or a bare array); re-read when it changes.',
  }),
  setting('RANGER_URL', z.url().optional(), {
    description:
      'Ranger Admin base URL; policies are downloaded from it when set. A URL with credentials in it (`user:password@`) is refused: use RANGER_USERNAME and RANGER_PASSWORD.',
  }),
  setting('RANGER_SERVICE_NAME', optionalText, {
    description: 'Ranger service whose policies apply to this instance.',
  }),
  setting('RANGER_USERNAME', optionalText, { description: 'Ranger Admin basic-auth user.' }),
  setting('RANGER_PASSWORD', optionalText, {
    secret: true,
    description: 'Ranger Admin basic-auth password; in Azure a Key Vault reference.',
  }),
  setting('PRINCIPAL_USER_ROLE_TEMPLATE', z.string().includes('{name}', { message: 'must contain {name}' }), {
    default: '{name}',
    description: 'How a Ranger user maps to a warehouse role (Snowflake grants go to roles).',
  }),
  setting('PRINCIPAL_CASE', z.enum(['upper', 'lower', 'preserve']).optional(), {
    description:
      'Case applied to Ranger principal names before they are matched with warehouse principals: `upper`, `lower` or `preserve`. Default: `upper` for Snowflake (roles as Snowflake shows them), `preserve` for Databricks (principals are case-sensitive).',
  }),
  setting('IGNORE_ROLES', z.string().optional(), {
    description:
      "Comma-separated globs of principals never granted to or revoked from (a mask or row-filter item naming one is still applied as the policy says, and reported). The connector's own role or user is never granted or revoked anything, whatever this says. Default: `ACCOUNTADMIN,ORGADMIN,SECURITYADMIN,SYSADMIN,USERADMIN,PUBLIC` for Snowflake, `admins,account users` for Databricks.",
  }),
  setting('IGNORE_OBJECTS', csv, {
    default: '',
    description:
      'Comma-separated globs of object names (`DB`, `DB.SCHEMA`, `DB.SCHEMA.TABLE`) the sync never touches: neither their grants nor their masks and row filters.',
  }),
  setting(
    'MANAGED_PRIVILEGES',
    z
      .string()
      .optional()
      .transform((v) =>
        v
          ?.split(',')
          .map((s) => s.trim().toUpperCase())
          .filter(Boolean),
      ),
    {
      description:
        'Comma-separated privileges the sync manages; others are left alone. Masks and row filters decide what a SELECT returns: they are synced only while SELECT is managed. Defaults to every privilege the connector maps.',
    },
  ),
  setting('PRINCIPALS_FILE', optionalText, {
    description:
      'Path of a JSON file of Ranger principals (`{users, groups: [{name, members}], roles: [{name, users, groups, roles}]}`) for PRINCIPAL_SYNC; re-read when it changes. Without it, principals come from Ranger Admin (RANGER_URL) when that is set.',
  }),
  setting('PRINCIPAL_SYNC_INCLUDE', csv, {
    default: '*',
    description:
      'Comma-separated globs of warehouse role and user names a PRINCIPAL_SYNC may create, grant or revoke memberships of.',
  }),
  setting('PRINCIPAL_SYNC_EXCLUDE', csv, {
    default: '',
    description:
      "Comma-separated globs of warehouse role and user names a PRINCIPAL_SYNC never touches. IGNORE_ROLES, the warehouse's system roles and the connector's own role are always excluded as well.",
  }),
  setting('PRINCIPAL_SYNC_SCHEDULE', ncrontab.optional(), {
    description:
      'NCRONTAB schedule of a PRINCIPAL_SYNC of every Ranger group and role (source SCHEDULE). Unset: no scheduled principal sync.',
  }),
  setting('PRINCIPAL_WATCH_SCHEDULE', ncrontab.optional(), {
    description:
      "NCRONTAB schedule on which Ranger's principals are read and a change in them becomes a PRINCIPAL_SYNC task (source PRINCIPAL_CHANGE) for exactly the groups and roles that changed. Unset: not watched.",
  }),
  setting('PORT', boundedInt(0, 65535), { default: '7071', description: 'Local host only: HTTP port.' }),
  setting('APPLICATIONINSIGHTS_CONNECTION_STRING', optionalText, {
    description:
      "Application Insights connection string: the service's traces and metrics go there through Azure Monitor OpenTelemetry, authenticated with the app's managed identity (AzureWebJobsStorage__clientId). The Functions host sends its own telemetry there too. Unset: OTEL_EXPORTER_OTLP_ENDPOINT decides.",
  }),
  setting('OTEL_EXPORTER_OTLP_ENDPOINT', z.url().optional(), {
    description:
      'OTLP/HTTP collector base URL (`http://localhost:4318`): traces and metrics go to its /v1/traces and /v1/metrics, when APPLICATIONINSIGHTS_CONNECTION_STRING is unset. Neither set: nothing is exported.',
  }),
] as const;

/**
 * Every app setting the service reads, with its default, its meaning and how its value is read. The config parser,
 * the README's settings table and the infrastructure templates all come from this one list, so code and deployment
 * cannot drift. A warehouse's own settings come from its module (connectors/<name>/module.ts).
 */
export const SETTINGS: readonly Setting[] = [...COMMON_SETTINGS, ...WAREHOUSES.flatMap((w) => w.settings)];
