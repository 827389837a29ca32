/**
 * Diagnostic records per second through ingestMessage, the way Event Hub delivers them: the message body as JSON
 * text, records with string-encoded identity/requestParams/response, 95% noise (reads, credential requests,
 * failed calls, other categories) and 5% object changes.
 *
 *   npx tsx bench/ingest-diagnostics.ts [recordsPerMessage=500] [seconds=3]
 */
import { ingestMessage } from '../shared/events/ingest.js';

const recordsPerMessage = Number(process.argv[2] ?? 500);
const seconds = Number(process.argv[3] ?? 3);
const MESSAGES = 64;   // distinct bodies, cycled, so no single string stays hot in a cache

function record(n: number, category: string, action: string, params: object, status = 200) {
  return {
    time: new Date(Date.UTC(2026, 10, 27, 9, 0, 0, n)).toISOString(),
    resourceId: '/SUBSCRIPTIONS/3F2A9C1E-7B4D-4E8A-9C21-5D6E7F809A1B/RESOURCEGROUPS/RG-DATA-PROD/PROVIDERS/MICROSOFT.DATABRICKS/WORKSPACES/DBW-ANALYTICS-PROD',
    operationVersion: '1.0.0',
    category,
    operationName: `Microsoft.Databricks/${category}/${action}`,
    identity: JSON.stringify({ email: 'dana.lee@contoso.com', subjectName: null }),
    properties: {
      sourceIPAddress: '10.139.64.12',
      logId: `7c1f0a52-3e9b-4d7a-b1c6-${n.toString(16).padStart(12, '0')}`,
      serviceName: category,
      userAgent: 'Databricks-Runtime/15.4.x-scala2.12',
      sessionId: `ephemeral-5b2c1d40-8f3e-4a6b-9d7c-${n.toString(16).padStart(12, '0')}`,
      actionName: action,
      requestId: `ServiceMain-${n.toString(16)}`,
      requestParams: JSON.stringify({ ...params, workspace_id: '4417830287265140', metastore_id: 'a2f0c7de-91b3-4c55-8e0a-6b1d2e3f4a5b' }),
      response: JSON.stringify({ statusCode: status, errorMessage: status === 200 ? null : 'PERMISSION_DENIED', result: null }),
    },
  };
}

function noise(n: number) {
  const table = { full_name_arg: `main.sales.t${n % 50}` };
  switch (n % 5) {
    case 0: return record(n, 'unityCatalog', 'getTable', table);
    case 1: return record(n, 'unityCatalog', 'listTables', { catalog_name: 'main', schema_name: 'sales' });
    case 2: return record(n, 'unityCatalog', 'generateTemporaryTableCredential', { table_id: '5e0b3a1c-2d4f-4b6a-8c9e-0f1a2b3c4d5e', operation: 'READ' });
    case 3: return record(n, 'unityCatalog', 'createTable', { catalog_name: 'main', schema_name: 'finance', name: `p${n % 50}` }, 403);
    default: return record(n, 'clusters', 'create', { cluster_name: 'etl-nightly' });
  }
}

function change(n: number) {
  switch (n % 3) {
    case 0: return record(n, 'unityCatalog', 'createTable', { catalog_name: 'main', schema_name: 'sales', name: `orders_${n % 200}` });
    case 1: return record(n, 'unityCatalog', 'deleteTable', { full_name_arg: `main.staging.tmp_${n % 200}` });
    default: return record(n, 'unityCatalog', 'updatePermissions', { securable_type: 'table', securable_full_name: `main.sales.orders_${n % 200}`, changes: '[{"principal":"analysts","add":["SELECT"]}]' });
  }
}

let serial = 0;
const bodies = Array.from({ length: MESSAGES }, () =>
  JSON.stringify({ records: Array.from({ length: recordsPerMessage }, (_, i) => (i % 20 === 0 ? change(serial++) : noise(serial++))) }));

// Sanity: the mix is what the figure claims, and every message yields its request.
const probe = ingestMessage(bodies[0], { eventId: 'probe' });
const dropped = Object.values(probe.dropped).reduce((sum, n) => sum + n, 0);
if (probe.items.length !== 1 || dropped !== recordsPerMessage - Math.ceil(recordsPerMessage / 20)) {
  throw new Error(`unexpected probe result: ${JSON.stringify(probe.dropped)} with ${probe.items.length} item(s)`);
}

const bytes = bodies.reduce((sum, body) => sum + body.length, 0) / MESSAGES;
console.log(`ingest-diagnostics: ${MESSAGES} distinct messages of ${recordsPerMessage} records (~${Math.round(bytes / 1024)} KiB each), 95% noise, node ${process.version}`);

/** Records per second over `seconds`, cycling through the bodies, after a JIT warm-up. */
function measure(label: string, inputs: readonly unknown[]): void {
  for (let i = 0; i < inputs.length * 4; i++) ingestMessage(inputs[i % inputs.length], { eventId: `warm-${i}` });
  let messages = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < deadline) {
    ingestMessage(inputs[messages % inputs.length], { eventId: `m-${messages}` });
    messages += 1;
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const perSecond = Math.round((messages * recordsPerMessage) / elapsed);
  console.log(`  ${label}: ${perSecond.toLocaleString('en-US')} records/s (${messages} messages in ${elapsed.toFixed(2)} s)`);
}

measure('body as JSON text (includes JSON.parse of the body)', bodies);
measure('body already parsed (Event Hub JSON content type)  ', bodies.map((body) => JSON.parse(body) as unknown));
