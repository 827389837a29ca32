import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../dev/azurite.js';
import { startSnowflakeEmulator, type SnowflakeEmulator } from '../../dev/emulators/snowflake/index.js';
import { mintToken } from '../../shared/auth/index.js';
import { tableRequest } from '../support/api-client.js';
import { startHostProcess, type HostProcess } from '../support/host-process.js';
import { TERMINAL, waitForTask } from '../support/service-env.js';
import { fixture } from '../support/snowflake-sync.js';
import { queueClient, tableClient } from '../../shared/store/clients.js';
import { TaskStore } from '../../shared/store/task-store.js';

// Promise 7: distinctive secret values for every secret setting; the service runs a day's worth of traffic
// (good tasks, failing tasks, bad tokens, bad bodies, a refused warehouse login, Ranger refusing then serving
// policies), and everything it wrote - its log, every task record and queue message, every response - is scanned.
const tag = randomBytes(6).toString('hex');
const SECRETS = {
  JWT_SECRET: `PSYNC-JWT-SECRET-${tag}-0123456789abcdef`,
  SNOWFLAKE_PASSWORD: `PSYNC-SF-PASSWORD-${tag}`,
  RANGER_PASSWORD: `PSYNC-RANGER-PASSWORD-${tag}`,
  STORAGE_KEY: Buffer.from(`PSYNC-STORAGE-KEY-${tag}-padding-to-64-bytes-of-key-material!!`).toString('base64'),
};
const ACCOUNT = `psync${tag}`;

let azurite: AzuriteHandle;
let emulator: SnowflakeEmulator;
let ranger: Server;
let rangerRefuses = true;
let host: HostProcess;
let connectionString: string;
const TABLE = `secrets${tag}`, QUEUE = `secrets-${tag}`;
const responses: string[] = [];

beforeAll(async () => {
  // Azurite reads its accounts from AZURITE_ACCOUNTS: a storage account whose key is the distinctive secret.
  process.env.AZURITE_ACCOUNTS = `${ACCOUNT}:${SECRETS.STORAGE_KEY}`;
  azurite = await startAzurite();
  connectionString = azurite.connectionString.replace(/AccountName=[^;]+/, `AccountName=${ACCOUNT}`).replace(/AccountKey=[^;]+/, `AccountKey=${SECRETS.STORAGE_KEY}`)
    .replace(/devstoreaccount1/g, ACCOUNT);
  emulator = await startSnowflakeEmulator({ catalog: fixture('sync-catalog.json'), users: [{ name: 'POLICYSYNC', password: SECRETS.SNOWFLAKE_PASSWORD }] });
  const policies = readFileSync(fixture('sync-policies.json'), 'utf8');
  const basic = `Basic ${Buffer.from(`policysync:${SECRETS.RANGER_PASSWORD}`).toString('base64')}`;
  ranger = createServer((req, res) => {
    if (rangerRefuses || req.headers.authorization !== basic) return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="ranger"' }).end();
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(policies);
  });
  await new Promise<void>((resolve) => ranger.listen(0, '127.0.0.1', resolve));
  host = await startHostProcess({
    CONNECTOR_KIND: 'snowflake', SNOWFLAKE_ACCOUNT: 'emulator', SNOWFLAKE_USERNAME: 'POLICYSYNC', SNOWFLAKE_PASSWORD: SECRETS.SNOWFLAKE_PASSWORD,
    SNOWFLAKE_ACCESS_URL: emulator.url, AzureWebJobsStorage: connectionString, TASKS_TABLE: TABLE, SYNC_QUEUE: QUEUE,
    JWT_SECRET: SECRETS.JWT_SECRET, RANGER_URL: `http://127.0.0.1:${(ranger.address() as AddressInfo).port}`, RANGER_SERVICE_NAME: 'snowflake_test',
    RANGER_USERNAME: 'policysync', RANGER_PASSWORD: SECRETS.RANGER_PASSWORD, POLICY_FILE: '',
  });
}, 90_000);
afterAll(async () => {
  await host?.kill();
  await new Promise<void>((resolve) => (ranger ? ranger.close(() => resolve()) : resolve()));
  await emulator?.stop();
  await azurite?.stop();
  delete process.env.AZURITE_ACCOUNTS;
});

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${host.apiUrl}${path}`, init);
  const text = await res.clone().text();
  responses.push(`${res.status} ${JSON.stringify([...res.headers.entries()])} ${text}`);
  return res;
}

describe('secrets never appear in what the service writes', () => {
  it('keeps every secret out of logs, task records, queue messages and responses through good and failing traffic', async () => {
    const token = await mintToken({ secret: SECRETS.JWT_SECRET, subject: 'caller' });
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const post = (body: unknown, headers: Record<string, string> = auth) => call('/task', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const ids: string[] = [];
    const created = async (res: Response) => { const { taskId } = await res.json() as { taskId: string }; ids.push(taskId); return taskId; };
    const table = tableClient({ connectionString }, TABLE);
    const store = new TaskStore(table);

    await call('/health');
    // Ranger refuses: the first attempt fails with the policy error.
    const early = await created(await post(tableRequest('ORDERS')));
    await host.waitForLog((l) => l.message === 'task attempt failed' && l.taskId === early, 20_000);
    rangerRefuses = false;
    // Good traffic, a permission error, a missing table.
    emulator.control.failStatement({ pattern: 'FINANCE', nth: 1 }, { code: '003001', message: 'Insufficient privileges to operate on table', sqlState: '42501' });
    emulator.control.failStatement({ pattern: 'FINANCE', nth: 2 }, { code: '003001', message: 'Insufficient privileges to operate on table', sqlState: '42501' });
    for (const body of [tableRequest('CUSTOMERS'), tableRequest('INVOICES', 'FINANCE'), tableRequest('NOPE')]) await created(await post(body));
    for (const id of ids.slice(1)) await waitForTask(store, id, TERMINAL, 30_000);
    // The warehouse refuses the login (a fresh session is needed: end the current ones).
    emulator.control.refuseLogins(true);
    emulator.endSessions();
    const refused = await created(await post(tableRequest('ORDERS_V')));
    await waitForTask(store, refused, TERMINAL, 30_000);
    emulator.control.refuseLogins(false);
    // Hostile callers.
    const forged = await new SignJWT({ sub: 'x', exp: Math.floor(Date.now() / 1000) + 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('wrong-secret-0123456789-0123456789-abc'));
    const hostile: Record<string, string>[] = [{}, { Authorization: `Bearer ${forged}` }, { Authorization: 'Bearer x.y.z' }, { Authorization: `Bearer ${SECRETS.JWT_SECRET}` }];
    for (const headers of hostile) {
      await post(tableRequest('ORDERS'), { 'Content-Type': 'application/json', ...headers });
      await call(`/tasks/${ids[0]}`, { headers });
    }
    await post('{"type": ');
    await post({ type: 'RESOURCE_SYNC', requestInfo: { resources: [{ type: 'table', values: { database: SECRETS.SNOWFLAKE_PASSWORD.slice(0, 4) } }] } });
    await post('x', { ...auth, 'Content-Type': 'text/plain' });
    for (const id of [...ids, '123', 'nope']) await call(`/tasks/${id}`, { headers: auth });

    // Everything the service wrote.
    const records: string[] = [];
    for await (const e of table.listEntities()) records.push(JSON.stringify(e));
    for (const name of [QUEUE, `${QUEUE}-poison`]) {
      const { peekedMessageItems } = await queueClient({ connectionString }, name).peekMessages({ numberOfMessages: 32 });
      records.push(...peekedMessageItems.map((m) => `${m.messageText} ${Buffer.from(m.messageText, 'base64').toString()}`));
    }
    const output = host.output();
    const logLines = host.logs();
    const statuses = await Promise.all(ids.map(async (id) => (await store.get(id))?.header.status));
    console.log(`secrets scan: ${output.length} bytes of output (${logLines.length} JSON log lines), ${records.length} records and messages, ${responses.length} responses; task statuses ${statuses.join(', ')}`);
    expect(statuses.slice(1)).toEqual(['SUCCESS', 'FAILED', 'SKIPPED', 'FAILED']);
    expect(logLines.some((l) => l.level === 'error')).toBe(true);       // the failure paths did run and log

    const basicAuth = Buffer.from(`policysync:${SECRETS.RANGER_PASSWORD}`).toString('base64');
    const needles: [string, string][] = [
      ...Object.entries(SECRETS), ['RANGER basic credentials', basicAuth], ['storage connection string', connectionString],
      ['storage key (URL-encoded)', encodeURIComponent(SECRETS.STORAGE_KEY)],
    ];
    // The start banner prints a development token by design (npm start's curl line); the structured log must not.
    const logText = logLines.map((l) => JSON.stringify(l)).join('\n');
    for (const [label, secret] of needles) {
      expect(output.includes(secret), `${label} in the output`).toBe(false);
      expect(records.some((r) => r.includes(secret)), `${label} in a record`).toBe(false);
      expect(responses.some((r) => r.includes(secret)), `${label} in a response`).toBe(false);
    }
    expect(logText.includes(token), 'caller token in the log').toBe(false);
    expect(logText.includes(forged), 'forged token in the log').toBe(false);
    expect(responses.some((r) => r.includes(token) || r.includes(forged)), 'a token echoed in a response').toBe(false);
  }, 120_000);
});
