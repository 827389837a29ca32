import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig, UnresolvedSettingsError } from '../../shared/config.js';
import { buildServices } from '../../shared/runtime.js';

// On Azure, a Key Vault reference App Service could not resolve (on a first start the identity's role may not have
// propagated yet) reaches the app as the reference's own text. The service starts, says which settings wait (health),
// refuses to serve without them, and picks them up on the start that follows a refresh of the references.
const REFERENCE = '@Microsoft.KeyVault(SecretUri=https://kv-ps-abc-sales.vault.azure.net/secrets/JWT-SECRET/)';
const base = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  JWT_SECRET: 'x'.repeat(32),
  POLICY_FILE: 'p.json',
  CONNECTOR_KIND: 'databricks_unity_catalog',
  DATABRICKS_HOST: 'adb-1.2.azuredatabricks.net',
  DATABRICKS_HTTP_PATH: '/sql/1.0/warehouses/w',
  DATABRICKS_TOKEN: 't',
};
const snowflake = { ...base, CONNECTOR_KIND: 'snowflake', SNOWFLAKE_ACCOUNT: 'acme', SNOWFLAKE_USERNAME: 'POLICYSYNC' };

describe('a Key Vault reference that did not resolve', () => {
  it('leaves its setting out of the configuration, never using the reference text as the value', () => {
    const config = loadConfig({ ...base, JWT_SECRET: REFERENCE });
    expect(config.unresolvedSettings).toEqual(['JWT_SECRET']);
    expect(config.auth.secret).toBeUndefined();
    expect(JSON.stringify(config)).not.toContain('@Microsoft.KeyVault');
    expect(config.warnings.join('\n')).toMatch(/Key Vault reference of JWT_SECRET did not resolve/);
  });

  it('counts as set for the checks of required settings, so a warehouse secret still waiting does not stop start-up', () => {
    const config = loadConfig({
      ...snowflake,
      SNOWFLAKE_PASSWORD: REFERENCE.replace('JWT-SECRET', 'SNOWFLAKE-PASSWORD'),
    });
    expect(config.unresolvedSettings).toEqual(['SNOWFLAKE_PASSWORD']);
    expect(config.snowflake.password).toBeUndefined();
  });

  it('does not excuse a setting that is really missing', () => {
    expect(() => loadConfig(snowflake)).toThrow(ConfigError);
    expect(() => loadConfig({ ...snowflake, JWT_SECRET: REFERENCE })).toThrow(
      /SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY/,
    );
  });

  it('keeps every service from being built, with an error naming the setting and how to recover', async () => {
    const error = await buildServices(loadConfig({ ...base, JWT_SECRET: REFERENCE })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnresolvedSettingsError);
    expect(error).toMatchObject({ code: 'SETTINGS_UNRESOLVED', settings: ['JWT_SECRET'] });
    expect((error as Error).message).toMatch(
      /JWT_SECRET did not resolve[\s\S]*Key Vault Secrets User[\s\S]*refresh the references/,
    );
    expect((error as Error).message).not.toContain('@Microsoft.KeyVault');
  });
});

describe('health', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.resetModules();
  });

  /** A fresh process: the functions read their settings once, at start-up. */
  async function healthOnStart(env: Record<string, string>) {
    process.env = { ...saved, ...env };
    vi.resetModules();
    const { healthFunction } = await import('../../functions/health.js');
    const answer = await healthFunction.handler(
      new HttpRequest({ method: 'GET', url: 'http://localhost/policysync/api/v1/health' }),
      new InvocationContext({ functionName: 'health' }),
    );
    return answer as { status: number; jsonBody: Record<string, unknown> };
  }

  it('names the settings still waiting for their Key Vault reference, without their values, until a start that has them', async () => {
    const waiting = await healthOnStart({ ...base, JWT_SECRET: REFERENCE });
    expect(waiting.status).toBe(503);
    expect(waiting.jsonBody).toMatchObject({
      status: 'unresolved-settings',
      unresolvedSettings: ['JWT_SECRET'],
      instance: 'default',
    });
    expect(JSON.stringify(waiting.jsonBody)).not.toContain('vault.azure.net');

    // After the refresh call App Service passes the secret itself; the next start reads it.
    const resolved = await healthOnStart(base);
    expect(resolved).toMatchObject({ status: 200, jsonBody: { status: 'ok' } });
    expect(resolved.jsonBody).not.toHaveProperty('unresolvedSettings');
  });
});

describe('the Function App while the JWT key waits for its Key Vault reference', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('registers every function, health included, and its task routes answer 503 naming the setting, never its text', async () => {
    for (const [k, v] of Object.entries({ ...base, JWT_SECRET: REFERENCE })) vi.stubEnv(k, v);
    const { registrations } = await import('../../functions/registry.js');
    const { appConfig } = await import('../../functions/services.js');
    const registered = registrations(appConfig());
    expect(registered.map((r) => r.name)).toEqual(
      expect.arrayContaining(['health', 'createTask', 'getTask', 'syncWorker']),
    );
    const create = registered.find((r) => r.name === 'createTask')!.options as {
      handler: (
        r: HttpRequest,
        c: InvocationContext,
      ) => Promise<{ status?: number; jsonBody?: unknown; headers?: Record<string, string> }>;
    };
    const answer = await create.handler(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost/policysync/api/v1/task',
        headers: { 'content-type': 'application/json' },
        body: { string: '{}' },
      }),
      new InvocationContext({ functionName: 'createTask', invocationId: 'kv' }),
    );
    expect(answer.status).toBe(503);
    expect(answer.jsonBody).toMatchObject({
      type: expect.stringMatching(/settings-unresolved$/),
      settings: ['JWT_SECRET'],
    });
    expect(JSON.stringify(answer)).not.toContain('@Microsoft.KeyVault');
  });
});
