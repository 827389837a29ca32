import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config.js';

const base = { AzureWebJobsStorage: 'UseDevelopmentStorage=true', JWT_SECRET: 'x'.repeat(32), POLICY_FILE: 'p.json', CONNECTOR_KIND: 'memory' };

describe('loadConfig', () => {
  it('names every bad or missing setting in one error', () => {
    let error: unknown;
    try {
      loadConfig({ CONNECTOR_KIND: 'snowflake', PORT: 'eighty', CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED: 'yes' });
    } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED']) expect(message).toContain(name);
  });

  it('names the cross-setting problems once the values parse', () => {
    expect(() => loadConfig({ CONNECTOR_KIND: 'snowflake' })).toThrow(/JWT_SECRET[\s\S]*AzureWebJobsStorage[\s\S]*POLICY_FILE or RANGER_URL[\s\S]*SNOWFLAKE_ACCOUNT/);
  });

  it('enables the API and Event Hub entry points by the seed flags of the configured connector kind', () => {
    expect(loadConfig(base)).toMatchObject({ apiEnabled: true, eventHubEnabled: false });
    expect(loadConfig({ ...base, CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED: 'false' }).apiEnabled).toBe(false);
    expect(loadConfig({ ...base, CONNECTOR_SNOWFLAKE_ON_DEMAND_V2_ENABLED: 'false', CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED: 'true' }))
      .toMatchObject({ apiEnabled: false, eventHubEnabled: false });
    expect(loadConfig({ ...base, CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED: 'true', EVENTHUB_CONNECTION: 'Endpoint=sb://x/' }).eventHubEnabled).toBe(true);
  });

  it('accepts the Kubernetes ingress flag with a warning instead of dropping it silently', () => {
    expect(loadConfig({ ...base, CONNECTOR_SNOWFLAKE_K8S_NGINX_INGRESS_ENABLE: 'true' }).warnings.join()).toMatch(/no meaning on Azure Functions/);
  });

  it('does not require a JWT key when the API is off', () => {
    const { JWT_SECRET: _unused, ...noKey } = base;
    expect(loadConfig({ ...noKey, CONNECTOR_SNOWFLAKE_API_SERVER_ENABLED: 'false' }).apiEnabled).toBe(false);
  });
});
