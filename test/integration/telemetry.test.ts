import { randomBytes } from 'node:crypto';
import { context, metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../../dev/emulators/snowflake/index.js';
import { type LocalHost, startLocalHost } from '../../dev/host/local-host.js';
import { appServices } from '../../functions/services.js';
import { mintToken } from '../../shared/auth/index.js';
import { ingestEventBatch } from '../../shared/intake/event-batch.js';
import { silentLog } from '../../shared/log.js';
import { type ApiClient, apiClient, tableRequest } from '../support/api-client.js';
import { table as databricksTable, startDatabricksRig, syncOnce } from '../support/databricks-sync.js';
import { fixture } from '../support/snowflake-sync.js';

// The real pipeline - the local host's HTTP route, Azurite, the queue poller running the sync worker function, the
// real snowflake-sdk against the emulator - with an in-memory span exporter and metric exporter registered the way
// an SDK registers: what the instrumentation in shared/ emits through @opentelemetry/api is what these read.
const tag = randomBytes(6).toString('hex');
const SECRETS = {
  SNOWFLAKE_PASSWORD: `PSYNC-SF-PASSWORD-${tag}`,
  JWT_SECRET: `PSYNC-JWT-SECRET-${tag}-0123456789abcdef`,
};
const spans = new InMemorySpanExporter();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
let emulator: SnowflakeEmulator;
let host: LocalHost;
let api: ApiClient;
let token: string;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  emulator = await startSnowflakeEmulator({
    catalog: fixture('sync-catalog.json'),
    users: [{ name: 'POLICYSYNC', password: SECRETS.SNOWFLAKE_PASSWORD }],
  });
  host = await startLocalHost({
    port: 0,
    log: () => undefined,
    env: {
      CONNECTOR_KIND: 'snowflake',
      CONNECTOR_INSTANCE: 'otel',
      SNOWFLAKE_ACCOUNT: 'emulator',
      SNOWFLAKE_USERNAME: 'POLICYSYNC',
      SNOWFLAKE_PASSWORD: SECRETS.SNOWFLAKE_PASSWORD,
      SNOWFLAKE_ACCESS_URL: emulator.url,
      CONNECTOR_SNOWFLAKE_GOVERNANCE_SCHEMA: 'none',
      POLICY_FILE: fixture('sync-policies.json'),
      JWT_SECRET: SECRETS.JWT_SECRET,
    },
  });
  api = await apiClient(host.apiUrl, {}, SECRETS.JWT_SECRET);
  token = await mintToken({ secret: SECRETS.JWT_SECRET, subject: 'test' });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await emulator?.stop();
  trace.disable();
  metrics.disable();
  context.disable();
});

const attr = (s: ReadableSpan, name: string) => s.attributes[name];
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

/** The spans of `traceId` once one of them satisfies `until` (a worker's span ends after the task's status is written). */
async function traceOf(traceId: string, until: (s: ReadableSpan) => boolean): Promise<ReadableSpan[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    if (found.some(until)) return found;
    if (Date.now() > deadline) throw new Error(`trace ${traceId}: ${found.map((s) => s.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The chain of span names from `span` up to its trace's root, each parent found among `all`. */
function ancestry(span: ReadableSpan, all: ReadableSpan[]): string[] {
  const names = [span.name];
  for (let at = span; parentOf(at); ) {
    const parent = all.find((s) => s.spanContext().spanId === parentOf(at));
    if (!parent) return [...names, `missing parent ${parentOf(at)}`];
    names.push(parent.name);
    at = parent;
  }
  return names;
}

/** The delivery that ended the task: a task's own, or a fanned-out task's last unit (which runs its top work). */
const isTaskEnd = (s: ReadableSpan) => s.name.endsWith('.attempt') && attr(s, 'policysync.task.status') !== undefined;

async function postAndFinish(body: unknown) {
  const res = await api.post('/task', body);
  expect(res.status).toBe(202);
  const { taskId } = (await res.json()) as { taskId: string };
  const done = await api.waitForTerminal(taskId);
  const post = spans
    .getFinishedSpans()
    .find((s) => s.kind === SpanKind.SERVER && spansOfTask(taskId).some((t) => sameTrace(t, s)));
  expect(post, 'the POST span').toBeDefined();
  return { taskId, done, all: await traceOf(post!.spanContext().traceId, isTaskEnd) };
}
const spansOfTask = (taskId: string) =>
  spans.getFinishedSpans().filter((s) => attr(s, 'policysync.task.id') === taskId);
const sameTrace = (a: ReadableSpan, b: ReadableSpan) => a.spanContext().traceId === b.spanContext().traceId;

/** Every data point of a metric, with its attributes, as the in-memory exporter last received them. */
async function points(name: string): Promise<DataPoint<number | Histogram>[]> {
  await reader.forceFlush();
  const last = metricExporter.getMetrics().at(-1);
  return (last?.scopeMetrics ?? [])
    .flatMap((s) => s.metrics)
    .filter((m) => m.descriptor.name === name)
    .flatMap((m) => m.dataPoints as DataPoint<number | Histogram>[]);
}
async function sum(name: string, attributes: Record<string, string> = {}): Promise<number> {
  const matching = (await points(name)).filter((p) =>
    Object.entries(attributes).every(([k, v]) => p.attributes[k] === v),
  );
  return matching.reduce((n, p) => n + (typeof p.value === 'number' ? p.value : p.value.count), 0);
}

describe('OpenTelemetry through the real pipeline', () => {
  it("follows a POST through the queue to the worker's resource and statement spans in one trace", async () => {
    const { taskId, done, all } = await postAndFinish(tableRequest('CUSTOMERS'));
    expect(done.status).toBe('SUCCESS');
    const post = all.find((s) => s.kind === SpanKind.SERVER)!;
    expect(post.name).toBe('POST /policysync/api/v1/task');
    expect(parentOf(post)).toBeUndefined();
    expect(attr(post, 'http.response.status_code')).toBe(202);

    const created = all.find((s) => s.name === 'policysync.task.create')!;
    expect(parentOf(created)).toBe(post.spanContext().spanId);
    const attempt = all.find(isTaskEnd)!;
    expect(attempt.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(attempt)).toBe(created.spanContext().spanId);
    for (const s of [created, attempt]) {
      expect(s.attributes).toMatchObject({
        'policysync.task.id': taskId,
        'policysync.task.type': 'RESOURCE_SYNC',
        'policysync.task.source': 'API',
      });
    }
    expect(attr(attempt, 'policysync.task.status')).toBe('SUCCESS');

    const resource = all.find((s) => s.name === 'policysync.resource')!;
    expect(resource.attributes).toMatchObject({
      'policysync.resource': 'table SALES.PUBLIC.CUSTOMERS',
      'policysync.resource.status': 'SUCCESS',
    });
    expect(parentOf(resource)).toBe(attempt.spanContext().spanId);

    const statements = all.filter((s) => s.kind === SpanKind.CLIENT);
    expect(statements.length).toBeGreaterThan(1);
    for (const s of statements) {
      expect(attr(s, 'db.system.name')).toBe('snowflake');
      expect(ancestry(s, all)).toEqual([
        s.name,
        'policysync.resource',
        'policysync.task.attempt',
        'policysync.task.create',
        'POST /policysync/api/v1/task',
      ]);
    }
    // The reads, and the writes (several go in one Snowflake Scripting block, BEGIN ... END).
    const verbs = statements.map((s) => String(attr(s, 'db.operation.name')));
    expect(verbs).toContain('SELECT');
    expect(verbs.some((v) => ['BEGIN', 'GRANT', 'REVOKE'].includes(v))).toBe(true);
  });

  it('counts the grants and revokes a task applied, its round trips, its status, duration and queue age', async () => {
    const before = {
      grants: await sum('policysync.grants.applied', { 'db.system.name': 'snowflake' }),
      revokes: await sum('policysync.revokes.applied', { 'db.system.name': 'snowflake' }),
      trips: await sum('policysync.warehouse.round_trips', { 'db.system.name': 'snowflake' }),
      tasks: await sum('policysync.tasks', { status: 'SUCCESS', source: 'API' }),
      durations: await sum('policysync.sync.duration', { status: 'SUCCESS' }),
      ages: await sum('policysync.queue.age'),
    };
    const tripsBefore = emulator.control.roundTrips();
    const { done } = await postAndFinish(tableRequest('ORDERS'));
    expect(done.status).toBe('SUCCESS');
    const { granted, revoked } = done.resources[0].changes as { granted: string[]; revoked: string[] };
    expect(granted.length).toBeGreaterThan(1);
    // One REVOKE statement, whatever privileges it names.
    expect(revoked).toEqual([expect.stringMatching(/ON TABLE SALES\.PUBLIC\.ORDERS FROM ROLE AUDITOR$/)]);
    expect(await sum('policysync.grants.applied', { 'db.system.name': 'snowflake' })).toBe(
      before.grants + granted.length,
    );
    expect(await sum('policysync.revokes.applied', { 'db.system.name': 'snowflake' })).toBe(
      before.revokes + revoked.length,
    );
    expect(await sum('policysync.warehouse.round_trips', { 'db.system.name': 'snowflake' })).toBe(
      before.trips + (emulator.control.roundTrips() - tripsBefore),
    );
    expect(await sum('policysync.tasks', { status: 'SUCCESS', source: 'API' })).toBe(before.tasks + 1);
    expect(await sum('policysync.sync.duration', { status: 'SUCCESS' })).toBe(before.durations + 1);
    expect(await sum('policysync.queue.age')).toBeGreaterThan(before.ages);
    const ages = (await points('policysync.queue.age')).map((p) => p.value as Histogram);
    expect(ages.every((h) => (h.min ?? 0) >= 0 && (h.max ?? 0) < 60)).toBe(true);
  });

  it('records a failing task as FAILED in policysync.tasks and its spans as ERROR with the stable code', async () => {
    const failedBefore = await sum('policysync.tasks', { status: 'FAILED', source: 'API' });
    const denied = { code: '003001', message: `Insufficient privileges ${tag}`, sqlState: '42501' };
    for (const nth of [1, 2])
      emulator.control.failStatement({ nth, pattern: 'ON TABLE "SALES"."FINANCE"."INVOICES"' }, denied);
    const { done, all } = await postAndFinish(tableRequest('INVOICES', 'FINANCE'));
    expect(done.status).toBe('FAILED');
    expect(await sum('policysync.tasks', { status: 'FAILED', source: 'API' })).toBe(failedBefore + 1);
    expect(await sum('policysync.sync.duration', { status: 'FAILED' })).toBeGreaterThanOrEqual(1);

    const resource = all.find((s) => s.name === 'policysync.resource')!;
    expect(resource.status).toEqual({ code: SpanStatusCode.ERROR, message: 'STATEMENT_FAILED' });
    expect(attr(resource, 'error.type')).toBe('STATEMENT_FAILED');
    const failedStatement = all.find((s) => s.kind === SpanKind.CLIENT && s.status.code === SpanStatusCode.ERROR)!;
    expect(failedStatement.status.message).toBe('STATEMENT_FAILED');
    expect(attr(all.find(isTaskEnd)!, 'policysync.task.status')).toBe('FAILED');
    // The code, never the warehouse's message nor a stack.
    const exported = JSON.stringify(all.map((s) => [s.attributes, s.status, s.events]));
    expect(exported).not.toContain(tag);
    expect(exported).not.toContain('Insufficient privileges');
  });

  it("continues a fanned-out task's trace in each unit's delivery", async () => {
    const { done, all } = await postAndFinish({
      type: 'RESOURCE_SYNC',
      requestInfo: { resources: [{ type: 'database', values: { database: 'SALES' } }] },
    });
    expect(done.units.total).toBeGreaterThan(1);
    const units = all.filter((s) => s.name === 'policysync.unit.attempt');
    expect(new Set(units.map((s) => attr(s, 'policysync.unit'))).size).toBe(done.units.total);
    for (const u of units) {
      expect(ancestry(u, all)).toEqual([
        'policysync.unit.attempt',
        'policysync.task.create',
        'POST /policysync/api/v1/task',
      ]);
      expect(all.some((s) => parentOf(s) === u.spanContext().spanId && s.name === 'policysync.resource')).toBe(true);
    }
  });

  it('gives each Event Hub event a trace of its own that the worker continues', async () => {
    const s = await appServices();
    const events = ['ORDERS', 'CUSTOMERS'].map((t, i) => ({ body: tableRequest(t), eventId: `otel-${tag}-${i}` }));
    const summary = await ingestEventBatch(events, {
      store: s.store,
      queue: s.queue,
      warehouse: s.config.warehouse.module,
      instance: s.config.instance,
      log: silentLog,
    });
    expect(summary.created).toBe(2);
    const roots = spans.getFinishedSpans().filter((sp) => sp.name === 'policysync.event' && !parentOf(sp));
    const ours = await Promise.all(roots.slice(-2).map((root) => traceOf(root.spanContext().traceId, isTaskEnd)));
    expect(new Set(ours.map((t) => t[0]!.spanContext().traceId)).size).toBe(2);
    for (const t of ours) {
      const attempt = t.find(isTaskEnd)!;
      expect(attr(attempt, 'policysync.task.source')).toBe('EVENT_HUB');
      expect(ancestry(attempt, t)).toEqual(['policysync.task.attempt', 'policysync.task.create', 'policysync.event']);
    }
  });

  it("starts a task's trace of its own whatever traceparent the caller sends", async () => {
    const theirs = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
    const res = await api.post('/task', tableRequest('ORDERS_V'), { traceparent: theirs });
    const { taskId } = (await res.json()) as { taskId: string };
    await api.waitForTerminal(taskId);
    const created = spansOfTask(taskId).find((s) => s.name === 'policysync.task.create')!;
    expect(created.spanContext().traceId).not.toBe('ab'.repeat(16));
    const all = await traceOf(created.spanContext().traceId, isTaskEnd);
    expect(parentOf(all.find((s) => s.kind === SpanKind.SERVER)!)).toBeUndefined();
    expect(spans.getFinishedSpans().filter((s) => s.spanContext().traceId === 'ab'.repeat(16))).toEqual([]);
  });

  it("traces and counts a Databricks task's statements under its own kind, where its session runs them", async () => {
    const rig = await startDatabricksRig();
    try {
      const kind = { 'db.system.name': 'databricks' };
      const before = {
        grants: await sum('policysync.grants.applied', kind),
        revokes: await sum('policysync.revokes.applied', kind),
        trips: await sum('policysync.warehouse.round_trips', kind),
      };
      const { header, rows } = await syncOnce(rig, [databricksTable('orders')]);
      expect(header.status).toBe('SUCCESS');
      const { granted, revoked } = rows[0]!.result!;
      expect(revoked).toHaveLength(1);
      expect(await sum('policysync.grants.applied', kind)).toBe(before.grants + granted.length);
      expect(await sum('policysync.revokes.applied', kind)).toBe(before.revokes + 1);
      expect(await sum('policysync.warehouse.round_trips', kind)).toBe(
        before.trips + rig.emulator.control.roundTrips(),
      );
      const all = await traceOf(header.traceparent!.split('-')[1]!, isTaskEnd);
      const statements = all.filter((sp) => attr(sp, 'db.system.name') === 'databricks');
      expect(statements.filter((sp) => sp.name === 'GRANT')).toHaveLength(granted.length);
      expect(statements.filter((sp) => sp.name === 'REVOKE')).toHaveLength(1);
      for (const sp of statements)
        expect(ancestry(sp, all).slice(1, 3)).toEqual(['policysync.resource', 'policysync.task.attempt']);
    } finally {
      await rig.stop();
    }
  });

  it('exports no secret, credential or statement text in any span or metric', async () => {
    await reader.forceFlush();
    const accountKey = /AccountKey=([^;]+)/.exec(host.env.AzureWebJobsStorage!)?.[1];
    const exported = JSON.stringify([
      spans.getFinishedSpans().map((s) => ({
        name: s.name,
        attributes: s.attributes,
        status: s.status,
        events: s.events,
        links: s.links,
        resource: s.resource.attributes,
      })),
      metricExporter.getMetrics(),
    ]);
    expect(exported.length).toBeGreaterThan(1000);
    for (const [name, secret] of [
      ...Object.entries(SECRETS),
      ['storage account key', accountKey!],
      ['bearer token', token],
      ['connection string', host.env.AzureWebJobsStorage!],
    ] as [string, string][])
      expect(exported.includes(secret), name).toBe(false);
    // No statement text: a span names a statement by its verb, never by its privileges, object and grantee.
    expect(exported).not.toMatch(/\b(GRANT|REVOKE) [A-Z, ]+ ON |TO ROLE|FROM ROLE|ON TABLE/);
  });
});
