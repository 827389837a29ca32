import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { inspect } from 'node:util';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { type DatabricksEmulator, startDatabricksEmulator } from '../../dev/emulators/databricks/index.js';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../../dev/emulators/snowflake/index.js';
import { spawnLocalHost } from '../../dev/host/spawn-host.js';
import { mintToken } from '../../shared/auth/index.js';
import { ConfigError, loadConfig } from '../../shared/config.js';
import { DatabricksConnector } from '../../shared/connectors/databricks/databricks-connector.js';
import { databricksModule } from '../../shared/connectors/databricks/module.js';
import { DATABRICKS_PRIVILEGES, databricksProfile } from '../../shared/connectors/databricks/profile.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { SNOWFLAKE_PRIVILEGES, snowflakeProfile } from '../../shared/connectors/snowflake/profile.js';
import { SnowflakeConnector } from '../../shared/connectors/snowflake/snowflake-connector.js';
import { createTask } from '../../shared/intake/create-task.js';
import type { Log } from '../../shared/log.js';
import { managedScope } from '../../shared/plan/scope.js';
import { filePolicySource, rangerAdminSource } from '../../shared/policy/index.js';
import { queueClient, tableClient } from '../../shared/store/clients.js';
import { DispatchQueue } from '../../shared/store/dispatch-queue.js';
import { TaskStore } from '../../shared/store/task-store.js';
import { runTask } from '../../shared/sync/worker.js';
import { tableRequest } from '../support/api-client.js';
import { fixture as databricksFixture } from '../support/databricks-sync.js';
import { type HostProcess, startHostProcess } from '../support/host-process.js';
import { MEMORY_HOST_ENTRY, WITH_MEMORY } from '../support/memory/memory-module.js';
import { TERMINAL, waitForTask } from '../support/service-env.js';
import { fixture } from '../support/snowflake-sync.js';

// Promise 7: every source of a credential is seeded with a recognizable canary - the JWT secret, the storage account
// key, the Event Hub key, the Snowflake password and private key, the Databricks token and OAuth client secret, the
// Ranger password (and a RANGER_URL carrying one), a Key Vault reference - and the callers' Authorization headers.
// Two deployments (Snowflake, Databricks) run a day's worth of traffic (good tasks, failing tasks, refused warehouse
// logins, Ranger refusing then serving, bad tokens, bad bodies); the key-pair and OAuth paths and the start-up
// refusals run too. Everything written - logs, every task record and queue message, every response, every error -
// is scanned for every canary.
const tag = randomBytes(6).toString('hex');
const signingKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const SECRETS = {
  JWT_SECRET: `PSYNC-JWT-SECRET-${tag}-0123456789abcdef`,
  SNOWFLAKE_PASSWORD: `PSYNC-SF-PASSWORD-${tag}`,
  SNOWFLAKE_PRIVATE_KEY: signingKey.privateKey,
  SNOWFLAKE_BROKEN_KEY: `-----BEGIN PRIVATE KEY-----\nPSYNCSFBROKENKEY${tag}MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n`,
  RANGER_PASSWORD: `PSYNC-RANGER-PASSWORD-${tag}`,
  RANGER_URL_PASSWORD: `PSYNC-URL-PASSWORD-${tag}`,
  STORAGE_KEY: Buffer.from(`PSYNC-STORAGE-KEY-${tag}-padding-to-64-bytes-of-key-material!!`).toString('base64'),
  EVENTHUB_KEY: Buffer.from(`PSYNC-EVENTHUB-KEY-${tag}-32-bytes`).toString('base64'),
  DATABRICKS_TOKEN: `dapiPSYNC${tag}0123456789abcdef`,
  DATABRICKS_CLIENT_SECRET: `dosePSYNC${tag}secret`,
  KEY_VAULT_REFERENCE: `@Microsoft.KeyVault(SecretUri=https://psync-${tag}.vault.azure.net/secrets/JWT-SECRET/)`,
};
const ACCOUNT = `psync${tag}`;
/** Every canary, and the forms it travels in: a PEM's body lines, base64 of Basic credentials, URL-encoding. */
const needles = (): [string, string][] => [
  ...Object.entries(SECRETS).flatMap(([name, value]): [string, string][] => [
    [name, value],
    ...value
      .split('\n')
      .filter((line) => line.length >= 32 && !line.startsWith('-----'))
      .map((line, i): [string, string] => [`${name} line ${i}`, line]),
  ]),
  ['Ranger basic credentials', Buffer.from(`policysync:${SECRETS.RANGER_PASSWORD}`).toString('base64')],
  ['storage key (URL-encoded)', encodeURIComponent(SECRETS.STORAGE_KEY)],
  ['Event Hub key (URL-encoded)', encodeURIComponent(SECRETS.EVENTHUB_KEY)],
  ['Databricks client credentials', Buffer.from(`svc-client:${SECRETS.DATABRICKS_CLIENT_SECRET}`).toString('base64')],
];

let azurite: AzuriteHandle;
let connectionString: string;
const responses: string[] = [];
const callerTokens: string[] = [];
beforeAll(async () => {
  // Azurite reads its accounts from AZURITE_ACCOUNTS: a storage account whose key is the distinctive secret.
  process.env.AZURITE_ACCOUNTS = `${ACCOUNT}:${SECRETS.STORAGE_KEY}`;
  azurite = await startAzurite();
  connectionString = azurite.connectionString
    .replace(/AccountName=[^;]+/, `AccountName=${ACCOUNT}`)
    .replace(/AccountKey=[^;]+/, `AccountKey=${SECRETS.STORAGE_KEY}`)
    .replace(/devstoreaccount1/g, ACCOUNT);
}, 30_000);
afterAll(async () => {
  await azurite?.stop();
  delete process.env.AZURITE_ACCOUNTS;
});

/** Fails naming the canary and where it was found. */
function expectNoSecret(where: string, texts: string[]): void {
  const found = needles()
    .filter(([, secret]) => texts.some((t) => t.includes(secret)))
    .map(([label]) => label);
  expect(found, `secrets in ${where}`).toEqual([]);
}

async function call(apiUrl: string, path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${apiUrl}${path}`, init);
  const text = await res.clone().text();
  responses.push(`${res.status} ${JSON.stringify([...res.headers.entries()])} ${text}`);
  return res;
}

/** Every row of every table and every message of every queue this storage account holds. */
async function everythingStored(tables: string[], queues: string[]): Promise<string[]> {
  const records: string[] = [];
  for (const name of tables)
    for await (const e of tableClient({ connectionString }, name).listEntities()) records.push(JSON.stringify(e));
  for (const name of queues.flatMap((q) => [q, `${q}-poison`])) {
    const { peekedMessageItems } = await queueClient({ connectionString }, name).peekMessages({ numberOfMessages: 32 });
    records.push(
      ...peekedMessageItems.map((m) => `${m.messageText} ${Buffer.from(m.messageText, 'base64').toString()}`),
    );
  }
  return records;
}

/** Callers the service must turn away, with their credentials: none, forged, garbage, and the signing secret itself. */
async function hostileCallers(): Promise<Record<string, string>[]> {
  const forged = await new SignJWT({
    sub: 'x',
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 60,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode('wrong-secret-0123456789-0123456789-abc'));
  callerTokens.push(forged);
  return [
    {},
    { Authorization: `Bearer ${forged}` },
    { Authorization: 'Bearer x.y.z' },
    { Authorization: `Bearer ${SECRETS.JWT_SECRET}` },
    { Authorization: `Basic ${Buffer.from(`policysync:${SECRETS.RANGER_PASSWORD}`).toString('base64')}` },
  ];
}

/** The traffic both deployments get after their own scenario: hostile callers, bad bodies, reads of every task. */
async function commonTraffic(apiUrl: string, token: string, ids: string[], resource: unknown): Promise<void> {
  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const post = (body: unknown, headers: Record<string, string> = auth) =>
    call(apiUrl, '/task', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  for (const headers of await hostileCallers()) {
    await post(resource, { 'Content-Type': 'application/json', ...headers });
    await call(apiUrl, `/tasks/${ids[0]}`, { headers });
  }
  await post('{"type": ');
  await post({
    type: 'RESOURCE_SYNC',
    requestInfo: { resources: [{ type: 'table', values: { database: SECRETS.SNOWFLAKE_PASSWORD.slice(0, 4) } }] },
  });
  await post('x', { ...auth, 'Content-Type': 'text/plain' });
  await post(resource, { ...auth, 'Idempotency-Key': 'k' });
  await post({ ...tableRequest('OTHER') }, { ...auth, 'Idempotency-Key': 'k' }); // 422: the same key, another request
  for (const id of [...ids, '123', 'nope']) await call(apiUrl, `/tasks/${id}`, { headers: auth });
  await call(apiUrl, '/health');
}

describe('a Snowflake deployment (password login, Ranger Admin, Event Hub consumer)', () => {
  let emulator: SnowflakeEmulator;
  let ranger: Server;
  let rangerRefuses = true;
  let eventHub: NetServer;
  let host: HostProcess;
  const TABLE = `secrets${tag}`,
    QUEUE = `secrets-${tag}`;
  beforeAll(async () => {
    // An Event Hubs namespace that hangs up on every connection: the consumer fails at once, again and again, and logs why.
    eventHub = createNetServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => eventHub.listen(0, '127.0.0.1', resolve));
    emulator = await startSnowflakeEmulator({
      catalog: fixture('sync-catalog.json'),
      users: [{ name: 'POLICYSYNC', password: SECRETS.SNOWFLAKE_PASSWORD }],
    });
    const policies = readFileSync(fixture('sync-policies.json'), 'utf8');
    const basic = `Basic ${Buffer.from(`policysync:${SECRETS.RANGER_PASSWORD}`).toString('base64')}`;
    ranger = createServer((req, res) => {
      if (rangerRefuses || req.headers.authorization !== basic)
        return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="ranger"' }).end();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(policies);
    });
    await new Promise<void>((resolve) => ranger.listen(0, '127.0.0.1', resolve));
    host = await startHostProcess({
      CONNECTOR_KIND: 'snowflake',
      SNOWFLAKE_ACCOUNT: 'emulator',
      SNOWFLAKE_USERNAME: 'POLICYSYNC',
      SNOWFLAKE_PASSWORD: SECRETS.SNOWFLAKE_PASSWORD,
      SNOWFLAKE_ACCESS_URL: emulator.url,
      AzureWebJobsStorage: connectionString,
      TASKS_TABLE: TABLE,
      SYNC_QUEUE: QUEUE,
      JWT_SECRET: SECRETS.JWT_SECRET,
      RANGER_URL: `http://127.0.0.1:${(ranger.address() as AddressInfo).port}`,
      RANGER_SERVICE_NAME: 'snowflake_test',
      RANGER_USERNAME: 'policysync',
      RANGER_PASSWORD: SECRETS.RANGER_PASSWORD,
      POLICY_FILE: '',
      CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED: 'true',
      EVENTHUB_CONNECTION: `Endpoint=sb://127.0.0.1:${(eventHub.address() as AddressInfo).port}/;SharedAccessKeyName=listen;SharedAccessKey=${SECRETS.EVENTHUB_KEY}`,
    });
  }, 90_000);
  afterAll(async () => {
    await host?.kill();
    await new Promise<void>((resolve) => (ranger ? ranger.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (eventHub ? eventHub.close(() => resolve()) : resolve()));
    await emulator?.stop();
  });

  it('keeps every secret out of its logs, task records, queue messages and responses through good and failing traffic', async () => {
    const token = await mintToken({ secret: SECRETS.JWT_SECRET, subject: 'caller' });
    callerTokens.push(token);
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const post = (body: unknown) =>
      call(host.apiUrl, '/task', { method: 'POST', headers: auth, body: JSON.stringify(body) });
    const ids: string[] = [];
    const created = async (res: Response) => {
      const { taskId } = (await res.json()) as { taskId: string };
      ids.push(taskId);
      return taskId;
    };
    const store = new TaskStore(tableClient({ connectionString }, TABLE));

    // Ranger refuses: the first attempt fails with the policy error.
    const early = await created(await post(tableRequest('ORDERS')));
    await host.waitForLog((l) => l.message === 'task attempt failed' && l.taskId === early, 20_000);
    rangerRefuses = false;
    // Good traffic, a permission error, a missing table.
    emulator.control.failStatement(
      { pattern: 'FINANCE', nth: 1 },
      { code: '003001', message: 'Insufficient privileges to operate on table', sqlState: '42501' },
    );
    emulator.control.failStatement(
      { pattern: 'FINANCE', nth: 2 },
      { code: '003001', message: 'Insufficient privileges to operate on table', sqlState: '42501' },
    );
    for (const body of [tableRequest('CUSTOMERS'), tableRequest('INVOICES', 'FINANCE'), tableRequest('NOPE')])
      await created(await post(body));
    for (const id of ids.slice(1)) await waitForTask(store, id, TERMINAL, 30_000);
    // The warehouse refuses the login (a fresh session is needed: end the current ones).
    emulator.control.refuseLogins(true);
    emulator.endSessions();
    const refused = await created(await post(tableRequest('ORDERS_V')));
    await waitForTask(store, refused, TERMINAL, 30_000);
    emulator.control.refuseLogins(false);
    await commonTraffic(host.apiUrl, token, ids, tableRequest('ORDERS'));
    // The Event Hubs client reports a refused connection only after its own retries: on a busy machine, well past 20 s.
    await host.waitForLog((l) => l.message === 'event hub consumer error', 90_000);

    const records = await everythingStored([TABLE, `${TABLE}resources`], [QUEUE]);
    const statuses = await Promise.all(ids.map(async (id) => (await store.get(id))?.header.status));
    console.log(
      `Snowflake deployment: ${host.output().length} bytes of output (${host.logs().length} JSON log lines), ${records.length} records and messages, ${responses.length} responses so far; task statuses ${statuses.join(', ')}`,
    );
    expect(statuses.slice(1)).toEqual(['SUCCESS', 'FAILED', 'SKIPPED', 'FAILED']);
    expect(host.logs().some((l) => l.level === 'error')).toBe(true); // the failure paths did run and log
    expect(responses.some((r) => r.startsWith('422 '))).toBe(true);
    expectNoSecret("the Snowflake deployment's output", [host.output()]);
    expectNoSecret('a Snowflake deployment record', records);
    expectNoSecret('a response', responses);
    // The start banner prints a development token by design (npm start's curl line); the structured log must not.
    const logText = host
      .logs()
      .map((l) => JSON.stringify(l))
      .join('\n');
    for (const t of callerTokens) expect(logText.includes(t), 'a caller token in the log').toBe(false);
    expect(
      responses.some((r) => callerTokens.some((t) => r.includes(t))),
      'a token echoed in a response',
    ).toBe(false);
  }, 240_000);
});

describe('a Databricks deployment (personal access token)', () => {
  let emulator: DatabricksEmulator;
  let host: HostProcess;
  const TABLE = `dbxsecrets${tag}`,
    QUEUE = `dbxsecrets-${tag}`;
  beforeAll(async () => {
    emulator = await startDatabricksEmulator({
      catalog: databricksFixture('sync-catalog.json'),
      token: SECRETS.DATABRICKS_TOKEN,
    });
    host = await startHostProcess({
      CONNECTOR_KIND: 'databricks_unity_catalog',
      DATABRICKS_HOST: `${emulator.host}:${emulator.port}`,
      DATABRICKS_HTTP_PATH: emulator.path,
      DATABRICKS_TOKEN: SECRETS.DATABRICKS_TOKEN,
      DATABRICKS_CA_CERT: emulator.caCert,
      POLICY_FILE: databricksFixture('sync-policies.json'),
      AzureWebJobsStorage: connectionString,
      TASKS_TABLE: TABLE,
      SYNC_QUEUE: QUEUE,
      JWT_SECRET: SECRETS.JWT_SECRET,
    });
  }, 90_000);
  afterAll(async () => {
    await host?.kill();
    await emulator?.stop();
  });

  it('keeps every secret out of its logs, task records and responses, the refused token included', async () => {
    const token = await mintToken({ secret: SECRETS.JWT_SECRET, subject: 'dbx-caller' });
    callerTokens.push(token);
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const resource = (t: string) => ({
      type: 'RESOURCE_SYNC',
      requestInfo: { resources: [{ type: 'table', values: { catalog: 'main', schema: 'sales', table: t } }] },
    });
    const post = async (body: unknown) =>
      (
        (await (
          await call(host.apiUrl, '/task', { method: 'POST', headers: auth, body: JSON.stringify(body) })
        ).json()) as { taskId: string }
      ).taskId;
    const store = new TaskStore(tableClient({ connectionString }, TABLE));
    const ids = [await post(resource('orders')), await post(resource('nope'))];
    for (const id of ids) await waitForTask(store, id, TERMINAL, 30_000);
    // Databricks turns the token away: every request of the session answers 401.
    emulator.control.refuseLogins(true);
    ids.push(await post(resource('customers')));
    await waitForTask(store, ids[2]!, TERMINAL, 30_000);
    emulator.control.refuseLogins(false);
    await commonTraffic(host.apiUrl, token, ids, resource('orders'));

    const records = await everythingStored([TABLE, `${TABLE}resources`], [QUEUE]);
    const statuses = await Promise.all(ids.map(async (id) => (await store.get(id))?.header.status));
    console.log(
      `Databricks deployment: ${host.output().length} bytes of output (${host.logs().length} JSON log lines), ${records.length} records and messages; task statuses ${statuses.join(', ')}`,
    );
    expect(statuses).toEqual(['SUCCESS', 'SKIPPED', 'FAILED']);
    expect(records.some((r) => r.includes('refused the credentials'))).toBe(true);
    expectNoSecret("the Databricks deployment's output", [host.output()]);
    expectNoSecret('a Databricks deployment record', records);
    expectNoSecret('a response', responses);
  }, 120_000);
});

describe('key-pair and OAuth logins, in the worker', () => {
  let emulator: SnowflakeEmulator;
  let dbx: DatabricksEmulator;
  beforeAll(async () => {
    [emulator, dbx] = await Promise.all([
      startSnowflakeEmulator({
        catalog: fixture('sync-catalog.json'),
        users: [{ name: 'POLICYSYNC', password: 'unused' }],
      }),
      startDatabricksEmulator({
        catalog: databricksFixture('sync-catalog.json'),
        oauthClients: [{ clientId: 'svc-client', clientSecret: SECRETS.DATABRICKS_CLIENT_SECRET }],
      }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await emulator?.stop();
    await dbx?.stop();
  });

  it('keeps the Snowflake private key (good and malformed) and the Databricks client secret out of logs, records and errors', async () => {
    const name = `keys${tag}`;
    const store = new TaskStore(tableClient({ connectionString }, name));
    const queue = new DispatchQueue(
      queueClient({ connectionString }, `keys-${tag}`),
      queueClient({ connectionString }, `keys-${tag}-poison`),
    );
    await Promise.all([store.init(), queue.init()]);
    const lines: string[] = [];
    const log: Log = (level, message, fields) => {
      lines.push(JSON.stringify({ level, message, ...fields }));
    };
    const errors: unknown[] = [];
    const sync = async (connector: SnowflakeConnector | DatabricksConnector, resource: Record<string, string>) => {
      const dbxKind = connector instanceof DatabricksConnector;
      const { task } = await createTask(
        { store, queue, warehouse: dbxKind ? databricksModule : snowflakeModule, instance: 'keys' },
        { request: { type: 'RESOURCE_SYNC', requestInfo: { resources: [{ type: 'table', values: resource }] } } },
        { source: 'API' },
      );
      const naming = { userRoleTemplate: '{name}', case: dbxKind ? ('preserve' as const) : ('upper' as const) };
      await runTask(task.header.taskId, {
        store,
        connector,
        log,
        leaseSeconds: 60,
        maxAttempts: 1,
        policies: filePolicySource(dbxKind ? databricksFixture('sync-policies.json') : fixture('sync-policies.json')),
        profile: dbxKind ? databricksProfile(naming) : snowflakeProfile(naming),
        scope: managedScope({
          ignoreRoles: ['ACCOUNTADMIN', 'admins'],
          ignoreObjects: [],
          managedPrivileges: dbxKind ? DATABRICKS_PRIVILEGES : SNOWFLAKE_PRIVILEGES,
        }),
      }).catch((e: unknown) => {
        errors.push(e);
      });
      await connector.close();
      return (await store.get(task.header.taskId))!.header.status;
    };
    const snowflake = (privateKey: string) =>
      SnowflakeConnector.fromSettings({
        account: 'emulator',
        username: 'POLICYSYNC',
        privateKey,
        accessUrl: emulator.url,
      });
    const statuses = [
      await sync(snowflake(SECRETS.SNOWFLAKE_PRIVATE_KEY), { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' }),
      await sync(snowflake(SECRETS.SNOWFLAKE_BROKEN_KEY), { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' }),
      await sync(
        DatabricksConnector.fromSettings({
          host: `https://${dbx.host}:${dbx.port}`,
          path: dbx.path,
          caCert: dbx.caCert,
          clientId: 'svc-client',
          clientSecret: SECRETS.DATABRICKS_CLIENT_SECRET,
        }),
        { catalog: 'main', schema: 'sales', table: 'orders' },
      ),
    ];
    const records = await everythingStored([name], [`keys-${tag}`]);
    console.log(
      `key-pair and OAuth logins: statuses ${statuses.join(', ')}, ${lines.length} log lines, ${records.length} records, ${errors.length} errors thrown`,
    );
    expect(statuses).toEqual(['SUCCESS', 'FAILED', 'FAILED']);
    expect(
      records.some((r) => r.includes('DECODER routines')),
      'the malformed key reached the driver',
    ).toBe(true);
    expect(
      records.some((r) => r.includes('OAuth machine-to-machine needs a workspace host')),
      'the OAuth login ran',
    ).toBe(true);
    expectNoSecret('the worker log', lines);
    expectNoSecret('a key-pair or OAuth task record', records);
    expectNoSecret(
      'a thrown error',
      errors.map((e) => inspect(e, { depth: 8 })),
    );
  }, 60_000);
});

describe('start-up refusals and configuration errors', () => {
  /** The local host's start-up output when it refuses to start ('' if it started). */
  const refusal = (env: Record<string, string>) =>
    spawnLocalHost(
      { CONNECTOR_KIND: 'memory', AzureWebJobsStorage: connectionString, ...env },
      { quiet: true, timeoutMs: 30_000, entry: MEMORY_HOST_ENTRY },
    ).then(
      async (h) => {
        await h.stop();
        return '';
      },
      (e: unknown) => (e as Error).message,
    );

  it('refuses a RANGER_URL with credentials, naming the setting and echoing no value, an unresolved Key Vault reference beside it included', async () => {
    const output = await refusal({
      JWT_SECRET: SECRETS.KEY_VAULT_REFERENCE,
      RANGER_URL: `https://policysync:${SECRETS.RANGER_URL_PASSWORD}@ranger.example.com:6182`,
      RANGER_SERVICE_NAME: 'svc',
      POLICY_FILE: '',
    });
    expectNoSecret('the start-up output', [output]);
    expect(output).toContain('RANGER_URL: must not carry credentials');
  });

  it('refuses an Event Hub connection string whose EntityPath names another hub before the Event Hubs client can echo it', async () => {
    const output = await refusal({
      CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED: 'true',
      EVENTHUB_CONNECTION: `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=${SECRETS.EVENTHUB_KEY};EntityPath=another-hub`,
    });
    expectNoSecret('the start-up output', [output]);
    expect(output).toContain('EVENTHUB_CONNECTION: its EntityPath names another Event Hub than EVENTHUB_NAME');
  });

  it("names settings, never their values, in configuration errors and in the Ranger source's refusal", async () => {
    const configErrors = [
      {
        CONNECTOR_KIND: 'snowflake',
        JWT_SECRET: SECRETS.JWT_SECRET.slice(0, 20),
        SNOWFLAKE_ACCESS_URL: `https://u:${SECRETS.SNOWFLAKE_PASSWORD}@sf.example.com`,
      },
      {
        CONNECTOR_KIND: 'databricks_unity_catalog',
        DATABRICKS_TOKEN: SECRETS.KEY_VAULT_REFERENCE,
        JWT_JWKS_URL: `https://k:${SECRETS.RANGER_URL_PASSWORD}@keys.example.com`,
      },
      {
        CONNECTOR_KIND: 'memory',
        JWT_SECRET: SECRETS.JWT_SECRET,
        EVENTHUB_NAME: 'h',
        CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED: 'true',
        EVENTHUB_CONNECTION: `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey=${SECRETS.EVENTHUB_KEY};EntityPath=x`,
      },
    ].map((env) => {
      try {
        loadConfig(env, WITH_MEMORY);
        return 'accepted';
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return inspect(err, { depth: 8 });
      }
    });
    // Refused where it is built, or (as before) failing on first use: either way, what it says is scanned.
    const ranger = await (async () =>
      rangerAdminSource({
        url: `https://policysync:${SECRETS.RANGER_URL_PASSWORD}@127.0.0.1:9`,
        serviceName: 's',
        username: 'policysync',
        password: SECRETS.RANGER_PASSWORD,
      }).current())().then(
      () => 'loaded',
      (err: unknown) => inspect(err, { depth: 8 }),
    );
    const refusedAtConstruction = (() => {
      try {
        rangerAdminSource({ url: `https://policysync:${SECRETS.RANGER_URL_PASSWORD}@127.0.0.1:9`, serviceName: 's' });
        return '';
      } catch (err) {
        return inspect(err, { depth: 8 });
      }
    })();
    expectNoSecret('a configuration error', [...configErrors, ranger, refusedAtConstruction]);
    expect(configErrors.every((e) => e.includes('ConfigError'))).toBe(true);
    expect(refusedAtConstruction).toContain('RANGER_URL must not carry credentials');
  });
});
