import { request } from 'node:https';
import { createRequire } from 'node:module';
import { DBSQLClient } from '@databricks/sql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type DatabricksEmulator,
  type OAuthClient,
  startDatabricksEmulator,
} from '../../dev/emulators/databricks/index.js';
import { classify } from '../../shared/connectors/databricks/session.js';
import { ConnectorError } from '../../shared/connectors/errors.js';
import { readAsUser } from '../support/databricks-masking.js';
import {
  type DatabricksRig,
  emulatorConnector,
  fixture,
  startDatabricksRig,
  syncOnce,
  table,
} from '../support/databricks-sync.js';

/*
 * OAuth machine-to-machine with the unmodified @databricks/sql driver. The driver runs OAuth only for hosts in
 * the Databricks domains (OAuthManager.getManager: *.cloud.databricks.com, *.gcp.databricks.com, and with
 * useDatabricksOAuthInAzure *.azuredatabricks.net / *.databricks.azure.cn) and builds the OIDC URL from the host
 * without the port. The emulator is 127.0.0.1:<port>, so the tests below drive the driver's own token manager
 * (DatabricksOAuthManager, the M2M flow, nothing replaced) with `127.0.0.1:<port>` as its host, then connect the
 * driver and the connector with the token it got; the connector's own OAuth settings are shown to end in a clear
 * configuration error at 127.0.0.1 (last test).
 */
// Required, not imported: a CommonJS default export is then module.exports.default whatever the loader's interop.
const driverRequire = createRequire(import.meta.url);
const AUTH = '@databricks/sql/dist/connection/auth/DatabricksOAuth';
const { DatabricksOAuthManager, OAuthFlow } = driverRequire(
  `${AUTH}/OAuthManager.js`,
) as typeof import('@databricks/sql/dist/connection/auth/DatabricksOAuth/OAuthManager.js');

const principal: OAuthClient = {
  clientId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  clientSecret: 'dose-test-secret-4f9a',
};
const WRONG_SECRET = 'dose-wrong-secret-77c1';
const silent = { log: () => undefined };

let rig: DatabricksRig;
const clients: DBSQLClient[] = [];
beforeAll(async () => {
  rig = await startDatabricksRig(fixture('sync-catalog.json'), fixture('sync-policies.json'), {
    oauthClients: [principal],
    // The sync below manages grants it neither owns nor holds MANAGE on: as a metastore admin.
    metastoreAdmins: ['admin@example.com', principal.clientId],
  });
});
afterAll(async () => {
  await rig.stop();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});

/** What every driver client here connects with: the emulator's CA added via customCaCert, telemetry off. */
const target = (emulator: DatabricksEmulator) => ({
  host: emulator.host,
  port: emulator.port,
  path: emulator.path,
  customCaCert: emulator.caCert,
  telemetryEnabled: false,
  retryMaxAttempts: 1,
});

/** A connected driver client (its HTTPS agent carries the CA, which the driver's OAuth classes send with). */
async function driverClient(emulator: DatabricksEmulator, token = emulator.token): Promise<DBSQLClient> {
  const client = new DBSQLClient({ logger: silent });
  clients.push(client);
  await client.connect({ ...target(emulator), token });
  return client;
}

/** The options DBSQLClient gives its OAuth classes for the M2M flow, with the emulator's port in the host. */
const m2m = (emulator: DatabricksEmulator, context: DBSQLClient, client: OAuthClient) => ({
  flow: OAuthFlow.M2M,
  host: `${emulator.host}:${emulator.port}`,
  clientId: client.clientId,
  clientSecret: client.clientSecret,
  useDatabricksOAuthInAzure: true,
  context,
});

/** A token from the driver's own M2M token manager. */
async function m2mToken(emulator: DatabricksEmulator, client: OAuthClient): Promise<string> {
  const context = await driverClient(emulator);
  return (await new DatabricksOAuthManager(m2m(emulator, context, client)).getToken([])).accessToken;
}

/** A raw HTTPS call to the emulator: what the driver's libraries send, written out. */
function call(
  emulator: DatabricksEmulator,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: emulator.host, port: emulator.port, path, method, headers, ca: emulator.caCert },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const payloadOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe("Databricks OAuth machine-to-machine: the driver's own flow against the emulator", () => {
  let issued = '';

  it('discovers the token endpoint and gets a token with the client id and secret over HTTP Basic, scope all-apis', async () => {
    const context = await driverClient(rig.emulator);
    const before = rig.emulator.oauth.tokenRequests().length;
    const token = await new DatabricksOAuthManager(m2m(rig.emulator, context, principal)).getToken([]);
    issued = token.accessToken;

    const [entry, ...more] = rig.emulator.oauth.tokenRequests().slice(before);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      clientId: principal.clientId,
      authMethod: 'client_secret_basic',
      grantType: 'client_credentials',
      scope: 'all-apis',
      issued,
    });
    // The driver reads the expiry from the token itself: an hour, as Databricks gives.
    expect(token.hasExpired).toBe(false);
    expect(token.expirationTime - Date.now() / 1000).toBeGreaterThan(3500);
    expect(payloadOf(issued)).toMatchObject({
      sub: principal.clientId,
      scope: 'all-apis',
      iss: `https://${rig.emulator.host}:${rig.emulator.port}/oidc`,
    });
    expect(issued).not.toContain(principal.clientSecret);
  });

  it('opens sessions as the service principal with the issued token as Bearer, never the secret', async () => {
    expect(issued).not.toBe('');
    const calls = rig.emulator.oauth.callsWith(issued);
    const rows = await readAsUser(rig.emulator, issued, 'SELECT current_user() AS me');
    expect(Object.values(rows[0]!)).toEqual([principal.clientId]);
    // Every Thrift call (open, execute, fetch, close...) came with it; any other Authorization would have been a 401.
    expect(rig.emulator.oauth.callsWith(issued) - calls).toBeGreaterThanOrEqual(3);
  });

  it('syncs a task SUCCESS through the connector, the worker and Azurite with the issued access token', async () => {
    expect(issued).not.toBe('');
    const connector = emulatorConnector(rig.emulator, { token: issued });
    try {
      const calls = rig.emulator.oauth.callsWith(issued);
      const { header, rows } = await syncOnce({ ...rig, deps: { ...rig.deps, connector } }, [table('orders')]);
      expect(header.status).toBe('SUCCESS');
      expect(rows[0]!.result!.granted).toContain('SELECT ON TABLE main.sales.orders TO GROUP analysts');
      expect(rig.emulator.oauth.callsWith(issued)).toBeGreaterThan(calls);
      expect(
        rig.emulator.metastore.grantsOn('TABLE', 'main.sales.orders').map((g) => `${g.privilege} ${g.principal}`),
      ).toContain('SELECT analysts');
    } finally {
      await connector.close();
    }
  });

  it('refuses a wrong secret with 401 invalid_client; the connector calls it refused credentials and never shows the secret', async () => {
    const raw = await call(
      rig.emulator,
      'POST',
      '/oidc/v1/token',
      {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${principal.clientId}:${WRONG_SECRET}`).toString('base64')}`,
      },
      'grant_type=client_credentials&scope=all-apis',
    );
    expect(raw.status).toBe(401);
    expect(JSON.parse(raw.text)).toMatchObject({ error: 'invalid_client' });

    const context = await driverClient(rig.emulator);
    const manager = new DatabricksOAuthManager(
      m2m(rig.emulator, context, { ...principal, clientSecret: WRONG_SECRET }),
    );
    const failure = await manager.getToken([]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ name: 'OPError', error: 'invalid_client' });
    const classified = classify(failure, '(open session)');
    expect(classified).toBeInstanceOf(ConnectorError);
    expect(classified.code).toBe('AUTH');
    expect(classified.message).toBe('Databricks refused the credentials (HTTP 401)');
    expect(classified.message).not.toContain(WRONG_SECRET);
    expect(rig.emulator.oauth.tokenRequests().at(-1)).toMatchObject({
      clientId: principal.clientId,
      error: 'invalid_client',
    });
    expect(rig.emulator.oauth.tokenRequests().at(-1)!.issued).toBeUndefined();
  });

  it('refuses an expired token and one it did not issue, and a fresh token works again', async () => {
    const shortLived = await startDatabricksEmulator({
      catalog: fixture('sync-catalog.json'),
      oauthClients: [principal],
      oauthTokenSeconds: 60,
    });
    try {
      const first = await m2mToken(shortLived, principal);
      const thrift = (token: string) =>
        call(
          shortLived,
          'POST',
          shortLived.path,
          { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-thrift' },
          '',
        );
      expect((await thrift(first)).status).not.toBe(401);
      // The emulator's token clock moves past the lifetime instead of the test sleeping through it, so a slow
      // machine cannot expire the fresh token below before the driver uses it.
      shortLived.oauth.advanceClock(61);
      expect((await thrift(first)).status).toBe(401); // expired
      expect((await thrift(issued)).status).toBe(401); // signed by the other emulator
      const second = await m2mToken(shortLived, principal);
      expect(second).not.toBe(first);
      expect((await thrift(second)).status).not.toBe(401);
      await readAsUser(shortLived, second, 'SELECT 1 AS one');
    } finally {
      await shortLived.stop();
    }
  });
});

describe("Databricks OAuth machine-to-machine: the connector's settings", () => {
  it("fails the resource with a configuration error at 127.0.0.1, which the driver's OAuth does not serve, without the secret", async () => {
    const connector = emulatorConnector(rig.emulator, {
      clientId: principal.clientId,
      clientSecret: principal.clientSecret,
    });
    try {
      const before = rig.emulator.oauth.tokenRequests().length;
      const { header, rows } = await syncOnce({ ...rig, deps: { ...rig.deps, connector } }, [table('orders')]);
      expect(header.status).toBe('FAILED');
      expect(rows[0]!.status).toBe('FAILED');
      expect(rows[0]!.message).toContain('OAuth machine-to-machine needs a workspace host');
      expect(rows[0]!.message).toContain('127.0.0.1');
      expect(rows[0]!.message).not.toContain('refused the credentials');
      expect(rows[0]!.message).not.toContain(principal.clientSecret);
      expect(rig.emulator.oauth.tokenRequests()).toHaveLength(before); // refused before any request
    } finally {
      await connector.close();
    }
  });
});
