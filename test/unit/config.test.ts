import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config.js';
import { WITH_MEMORY } from '../support/memory/memory-module.js';
import { MINIMAL_SETTINGS } from '../support/minimal-settings.js';

const base = MINIMAL_SETTINGS;

describe('loadConfig', () => {
  it('names every bad or missing setting in one error', () => {
    let error: unknown;
    try {
      loadConfig({ CONNECTOR_KIND: 'snowflake', PORT: 'eighty', CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED: 'yes' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED']) expect(message).toContain(name);
  });

  it('reads the timer schedules as NCRONTAB, six fields and each in range, so a bad one stops start-up', () => {
    expect(loadConfig({ ...base, SWEEP_SCHEDULE: '*/30 * * * * *' }).sweepSchedule).toBe('*/30 * * * * *');
    expect(() => loadConfig({ ...base, SWEEP_SCHEDULE: '0 61 * * * *' })).toThrow(
      /SWEEP_SCHEDULE: is not a valid NCRONTAB expression/,
    );
    expect(() => loadConfig({ ...base, FULL_SYNC_SCHEDULE: '0 2 * * *' })).toThrow(
      /FULL_SYNC_SCHEDULE: must be a six-field NCRONTAB expression/,
    );
  });

  it('leaves the principal sync and watch timers off unless their NCRONTAB schedules are set and valid', () => {
    expect(loadConfig(base).principalSync).toMatchObject({
      schedule: undefined,
      watchSchedule: undefined,
      include: ['*'],
    });
    expect(loadConfig({ ...base, PRINCIPAL_SYNC_SCHEDULE: '0 30 3 * * *' }).principalSync.schedule).toBe(
      '0 30 3 * * *',
    );
    expect(() => loadConfig({ ...base, PRINCIPAL_SYNC_SCHEDULE: '0 0 25 * * *' })).toThrow(
      /PRINCIPAL_SYNC_SCHEDULE: is not a valid NCRONTAB expression/,
    );
    expect(() => loadConfig({ ...base, PRINCIPAL_WATCH_SCHEDULE: '*/5 * * * *' })).toThrow(
      /PRINCIPAL_WATCH_SCHEDULE: must be a six-field NCRONTAB expression/,
    );
  });

  it('reads retention: 30 days and a daily NCRONTAB schedule by default, a bad schedule stops start-up', () => {
    expect(loadConfig(base)).toMatchObject({ retentionDays: 30, retentionSchedule: '0 30 3 * * *', maxAttempts: 5 });
    expect(() => loadConfig({ ...base, RETENTION_SCHEDULE: '0 0 25 * * *' })).toThrow(
      /RETENTION_SCHEDULE: is not a valid NCRONTAB expression/,
    );
    expect(() => loadConfig({ ...base, TASK_RETENTION_DAYS: '0' })).toThrow(/TASK_RETENTION_DAYS/);
  });

  it('refuses a retention shorter than the idempotency key lifetime: a key must not outlive its task', () => {
    expect(() => loadConfig({ ...base, TASK_RETENTION_DAYS: '1', IDEMPOTENCY_TTL_HOURS: '48' })).toThrow(
      /TASK_RETENTION_DAYS: must cover IDEMPOTENCY_TTL_HOURS/,
    );
    expect(loadConfig({ ...base, TASK_RETENTION_DAYS: '2', IDEMPOTENCY_TTL_HOURS: '48' }).retentionDays).toBe(2);
  });

  it('names the cross-setting problems once the values parse', () => {
    expect(() => loadConfig({ CONNECTOR_KIND: 'snowflake' })).toThrow(
      /JWT_SECRET[\s\S]*AzureWebJobsStorage[\s\S]*POLICY_FILE or RANGER_URL[\s\S]*SNOWFLAKE_ACCOUNT/,
    );
  });

  it('enables the API and Event Hub entry points by the seed flags of the configured connector kind', () => {
    expect(loadConfig(base)).toMatchObject({ apiEnabled: true, eventHubEnabled: false });
    expect(loadConfig({ ...base, CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED: 'false' }).apiEnabled).toBe(false);
    expect(
      loadConfig({
        ...base,
        CONNECTOR_SNOWFLAKE_ON_DEMAND_V2_ENABLED: 'false',
        CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED: 'true',
      }),
    ).toMatchObject({ apiEnabled: false, eventHubEnabled: false });
    expect(
      loadConfig({
        ...base,
        CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED: 'true',
        EVENTHUB_CONNECTION: 'Endpoint=sb://x/',
      }).eventHubEnabled,
    ).toBe(true);
  });

  it('syncs only a real warehouse: CONNECTOR_KIND=memory is refused unless a test serves its fixture', () => {
    expect(() => loadConfig({ ...base, CONNECTOR_KIND: 'memory' })).toThrow(
      /CONNECTOR_KIND: Invalid option: expected one of "snowflake"\|"databricks_unity_catalog"/,
    );
    expect(loadConfig({ ...base, CONNECTOR_KIND: 'memory' }, WITH_MEMORY).connectorKind).toBe('memory');
  });

  it('takes each per-kind setting from the configured warehouse only', () => {
    const databricks = {
      ...base,
      CONNECTOR_KIND: 'databricks_unity_catalog',
      DATABRICKS_HOST: 'h',
      DATABRICKS_HTTP_PATH: '/p',
      DATABRICKS_TOKEN: 't',
    };
    const config = loadConfig({
      ...databricks,
      CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED: 'false',
      CONNECTOR_SNOWFLAKE_GOVERNANCE_SCHEMA: 'SF_GOV',
    });
    expect(config).toMatchObject({
      apiEnabled: true,
      masking: { governanceSchema: 'policysync_governance' },
      principals: { case: 'preserve' },
    });
    expect(config.scope.ignoreRoles).toEqual(['admins', 'account users']);
    expect(config.warehouse.module.kind).toBe('databricks_unity_catalog');
  });

  it('accepts the Kubernetes ingress flag with a warning instead of dropping it silently', () => {
    expect(loadConfig({ ...base, CONNECTOR_SNOWFLAKE_K8S_NGINX_INGRESS_ENABLE: 'true' }).warnings.join()).toMatch(
      /no meaning on Azure Functions/,
    );
  });

  it('does not require a JWT key when the API is off', () => {
    const { JWT_SECRET: _unused, ...noKey } = base;
    expect(loadConfig({ ...noKey, CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED: 'false' }).apiEnabled).toBe(false);
  });

  it('refuses a JWKS URL or a public key without JWT_ISSUER and JWT_AUDIENCE at start-up, naming both', () => {
    const { JWT_SECRET: _unused, ...noKey } = base;
    for (const source of [{ JWT_JWKS_URL: 'https://login.example.com/keys' }, { JWT_PUBLIC_KEY: 'PEM' }]) {
      const message = (() => {
        try {
          loadConfig({ ...noKey, ...source });
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      })();
      expect(message).toMatch(
        /- JWT_ISSUER, JWT_AUDIENCE: required with JWT_(JWKS_URL|PUBLIC_KEY); set both JWT_ISSUER and JWT_AUDIENCE/,
      );
      expect(() => loadConfig({ ...noKey, ...source, JWT_ISSUER: 'https://issuer.test' })).toThrow(
        /- JWT_AUDIENCE: required with/,
      );
      expect(
        loadConfig({ ...noKey, ...source, JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'api://policysync' }).auth,
      ).toMatchObject({ issuer: 'https://issuer.test', audience: 'api://policysync' });
    }
  });

  it('reads the maximum token age as seconds or with a unit, 24 hours by default, within 60 s to 30 days', () => {
    const age = (v?: string) =>
      loadConfig({ ...base, ...(v === undefined ? {} : { JWT_MAX_TOKEN_AGE: v }) }).auth.maxTokenAgeSeconds;
    expect([age(), age('3600'), age('90m'), age('12h'), age('2d')]).toEqual([86_400, 3600, 5400, 43_200, 172_800]);
    expect(() => age('45s')).toThrow(/JWT_MAX_TOKEN_AGE: must be between 60 s and 30 days/);
    expect(() => age('31d')).toThrow(/JWT_MAX_TOKEN_AGE: must be between 60 s and 30 days/);
    expect(() => age('1 week')).toThrow(/JWT_MAX_TOKEN_AGE: must be seconds, or a number with s, m, h or d/);
  });

  it('reads a required scope as one scope name', () => {
    expect(loadConfig({ ...base, JWT_REQUIRED_SCOPE: ' Task.Write ' }).auth.requiredScope).toBe('Task.Write');
    expect(loadConfig(base).auth.requiredScope).toBeUndefined();
    expect(() => loadConfig({ ...base, JWT_REQUIRED_SCOPE: 'Task.Write Task.Read' })).toThrow(
      /JWT_REQUIRED_SCOPE: must be one scope or role name/,
    );
  });

  it('refuses a URL setting with credentials in it, naming the setting and never the password', () => {
    for (const [setting, extra] of [
      ['RANGER_URL', { RANGER_SERVICE_NAME: 'svc' }],
      ['JWT_JWKS_URL', { JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }],
      ['SNOWFLAKE_ACCESS_URL', {}],
    ] as const) {
      const { JWT_SECRET: _unused, ...noKey } = base;
      const env = {
        ...(setting === 'JWT_JWKS_URL' ? noKey : base),
        ...extra,
        [setting]: 'https://svc-user:url-pa55word@ranger.example.com:6182/',
      };
      const message = (() => {
        try {
          loadConfig(env);
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      })();
      expect(message).toContain(`- ${setting}: must not carry credentials (user:password@)`);
      expect(message).not.toMatch(/url-pa55word|svc-user/);
    }
    expect(() =>
      loadConfig({ ...base, RANGER_URL: 'https://ranger.example.com:6182', RANGER_SERVICE_NAME: 'svc' }),
    ).not.toThrow();
  });

  it('refuses an Event Hub connection string whose EntityPath names another hub, without echoing the connection string', () => {
    const connection =
      'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=eh-key-material=;EntityPath=other';
    const env = { ...base, CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED: 'true', EVENTHUB_CONNECTION: connection };
    const message = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toContain('- EVENTHUB_CONNECTION: its EntityPath names another Event Hub than EVENTHUB_NAME');
    expect(message).not.toContain('eh-key-material');
    expect(loadConfig({ ...env, EVENTHUB_NAME: 'other' }).eventHub.name).toBe('other');
  });
});
