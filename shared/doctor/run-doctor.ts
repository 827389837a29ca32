import type { Config } from '../config.js';
import type { Connector } from '../connectors/connector.js';
import type { PolicySource } from '../policy/index.js';
import { type Check, type DoctorReport, fail, ok, report, warn } from './check.js';

export interface DoctorDeps {
  config: Config;
  /** Prepares storage the way the service does at start (tables and queues). */
  storage: () => Promise<unknown>;
  policies: PolicySource;
  /** Opens the configured warehouse connection. */
  connect: () => Promise<Connector>;
  /** Values that must never appear in a finding (the secret settings' values). */
  secrets: readonly string[];
  /** How long one check may take before it is reported as hanging. */
  timeoutMs?: number;
}

/**
 * Every check `policysync doctor` runs, in the order a person would fix them: settings, storage, the policy source,
 * the Event Hub settings, then the warehouse (sign-in, then what the connector itself checks). A check that throws
 * or hangs is a FAIL naming what it tried; nothing stops the checks after it.
 */
export async function runDoctor(deps: DoctorDeps): Promise<DoctorReport> {
  const { config } = deps;
  const timeoutMs = deps.timeoutMs ?? 30_000;
  // Each warehouse's setup page is named after its module (docs/setup-snowflake.md, docs/setup-databricks.md).
  const setup = `docs/setup-${config.warehouse.module.name}.md`;
  const checks: Check[] = [settingsCheck(config)];
  const attempt = async (name: string, fix: string, run: () => Promise<Check[]>): Promise<void> => {
    try {
      checks.push(...(await withTimeout(run(), timeoutMs, name)));
    } catch (err) {
      checks.push(fail(name, (err as Error).message || String(err), fix));
    }
  };

  await attempt(
    'storage',
    'check AzureWebJobsStorage (or AzureWebJobsStorage__accountName with a managed identity that holds Storage Table Data Contributor and Storage Queue Data Contributor)',
    async () => {
      await deps.storage();
      return [ok('storage', `table ${config.tasksTable} and queue ${config.syncQueue} are reachable`)];
    },
  );
  await attempt('policy source', policyFix(config), async () => {
    const snapshot = await deps.policies.current();
    const from = config.policy.ranger
      ? `Ranger Admin service ${config.policy.ranger.serviceName}`
      : `file ${config.policy.file}`;
    const version = snapshot.version === null ? 'no version' : `version ${snapshot.version}`;
    if (snapshot.policies.length === 0)
      return [
        warn(
          'policy source',
          `${from} answered with no policies (${version}): a sync would revoke every managed grant`,
          'check that the service name and the policies are the ones meant for this warehouse',
        ),
      ];
    return [ok('policy source', `${from}: ${snapshot.policies.length} policies, ${version}`)];
  });
  checks.push(eventHubCheck(config));
  let connector: Connector | undefined;
  await attempt(
    'warehouse sign-in',
    `check the ${config.connectorKind} connection settings; see ${setup}`,
    async () => {
      connector = await deps.connect();
      const who = await connector.identity();
      return [ok('warehouse sign-in', `signed in as ${who.map((p) => `${p.kind} ${p.name}`).join(', ') || 'unknown'}`)];
    },
  );
  const diagnose = connector?.capabilities.diagnose;
  if (diagnose) await attempt('warehouse checks', `see ${setup}`, () => diagnose());
  await connector?.close().catch(() => undefined);
  return report(checks.map((c) => scrub(c, deps.secrets)));
}

function settingsCheck(config: Config): Check {
  if (config.unresolvedSettings.length > 0)
    return fail(
      'settings',
      `the Key Vault references of ${config.unresolvedSettings.join(', ')} did not resolve`,
      'give the Function App identity Key Vault Secrets User on the vault and refresh the references (docs/deploy.md#key-vault-references)',
    );
  const notes = config.warnings.length > 0 ? `; ${config.warnings.join('; ')}` : '';
  return ok('settings', `CONNECTOR_KIND=${config.connectorKind}, instance ${config.instance}${notes}`);
}

function eventHubCheck(config: Config): Check {
  if (!config.eventHubEnabled) return ok('event hub', 'off (CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED=false)');
  const { connection, namespace, name, consumerGroup } = config.eventHub;
  const via = connection ? 'a connection string' : `managed identity on ${namespace}`;
  if (!connection && namespace && !/\.servicebus\.windows\.net$/i.test(namespace))
    return warn(
      'event hub',
      `EventHubConnection__fullyQualifiedNamespace is ${namespace}, not a host name ending in .servicebus.windows.net`,
      'set the namespace host name, like mynamespace.servicebus.windows.net',
    );
  return ok('event hub', `hub ${name}, consumer group ${consumerGroup}, through ${via}`);
}

const policyFix = (config: Config) =>
  config.policy.ranger
    ? 'check RANGER_URL, RANGER_SERVICE_NAME and the Ranger credentials, and that Ranger Admin is reachable from here'
    : 'check that POLICY_FILE names a readable Ranger policy JSON file';

/** A finding never carries a secret setting's value, whatever a driver put in its error message. */
function scrub(check: Check, secrets: readonly string[]): Check {
  const hide = (s: string) => secrets.filter((v) => v.length >= 4).reduce((t, v) => t.split(v).join('***'), s);
  return { ...check, detail: hide(check.detail), ...(check.fix !== undefined ? { fix: hide(check.fix) } : {}) };
}

function withTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
