/**
 * The comparison the API benchmark's placement rests on: the local host and autocannon in ONE process (this one),
 * POST /task at 32 connections for `seconds`. Prints one JSON line. Run by api.ts as a child process.
 *
 *   tsx bench/api-inprocess.ts <emulatorUrl> <seconds>
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEFAULT_USERS } from '../dev/emulators/snowflake/index.js';
import { startLocalHost } from '../dev/host/local-host.js';
import { mintToken } from '../shared/auth/index.js';

const [emulatorUrl, seconds = '5'] = process.argv.slice(2);
const secret = randomBytes(32).toString('base64url');
const host = await startLocalHost({
  port: 0, log: () => undefined,
  env: {
    CONNECTOR_KIND: 'snowflake', SNOWFLAKE_ACCOUNT: 'emulator', SNOWFLAKE_USERNAME: DEFAULT_USERS[0]!.name, SNOWFLAKE_PASSWORD: DEFAULT_USERS[0]!.password,
    SNOWFLAKE_ACCESS_URL: emulatorUrl!, JWT_SECRET: secret, POLICY_FILE: fileURLToPath(new URL('../dev/demo/policies.json', import.meta.url)),
  },
});
const token = await mintToken({ secret, subject: 'bench', ttlSeconds: 3600 });
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const body = JSON.stringify({ type: 'RESOURCE_SYNC', requestInfo: { resources: [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' } }] } });
const duration = Number(seconds);
await autocannon({ url: `${host.apiUrl}/task`, method: 'POST', headers, body, connections: 8, duration: Math.min(3, duration / 2) });
const r = await autocannon({ url: `${host.apiUrl}/task`, method: 'POST', headers, body, connections: 32, duration });
process.stdout.write(`${JSON.stringify({ rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors })}\n`);
await host.stop();
process.exit(0);
