import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { startTelemetry, type Telemetry } from '../../shared/telemetry/setup.js';
import { inStatementSpan } from '../../shared/telemetry/statement-telemetry.js';
import { inTaskCreationSpan } from '../../shared/telemetry/task-creation.js';
import { recordTaskEnd } from '../../shared/telemetry/task-telemetry.js';
import { MINIMAL_SETTINGS } from '../support/minimal-settings.js';

// OTEL_EXPORTER_OTLP_ENDPOINT as `npm start` reads it: the OTLP/HTTP exporters post to <endpoint>/v1/traces and
// <endpoint>/v1/metrics, here a server of the test's own.
const received: { path: string; type: string; body: string }[] = [];
let server: Server;
let telemetry: Telemetry;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  telemetry = await startTelemetry(
    loadConfig({
      ...MINIMAL_SETTINGS,
      CONNECTOR_INSTANCE: 'otlp-test',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    }),
  );
});
afterAll(async () => {
  await telemetry?.shutdown();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the OTLP path', () => {
  it("posts the task's spans and the service's metrics to the collector at OTEL_EXPORTER_OTLP_ENDPOINT", async () => {
    expect(telemetry.kind).toBe('otlp');
    const header = {
      taskId: '574057046565109672',
      type: 'RESOURCE_SYNC' as const,
      source: 'API' as const,
      status: 'SUCCESS' as const,
      createdAt: new Date(Date.now() - 1500).toISOString(),
      updatedAt: new Date().toISOString(),
    };
    await inTaskCreationSpan('API', async () => {
      await inStatementSpan('snowflake', 'GRANT SELECT ON TABLE "A"."B"."C" TO ROLE "R"', async () => [] as unknown[]);
      return { task: { header: header as never, etag: '' }, duplicate: false };
    });
    recordTaskEnd(header);
    // A statement outside any task (a health check's) is not a trace of its own.
    await inStatementSpan('snowflake', 'SHOW ROLES', async () => []);
    await telemetry.flush();

    const traces = received.filter((r) => r.path === '/v1/traces');
    const metrics = received.filter((r) => r.path === '/v1/metrics');
    expect(traces.length).toBeGreaterThan(0);
    expect(metrics.length).toBeGreaterThan(0);
    const spans = JSON.parse(traces.map((t) => t.body).join('')) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { spans: { name: string; spanId: string; parentSpanId?: string; traceId: string }[] }[];
      }[];
    };
    const resource = spans.resourceSpans[0]!.resource.attributes;
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'policysync' } });
    expect(resource).toContainEqual({ key: 'service.instance.id', value: { stringValue: 'otlp-test' } });
    const all = spans.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    const created = all.find((s) => s.name === 'policysync.task.create')!;
    const grant = all.find((s) => s.name === 'GRANT')!;
    expect(grant.traceId).toBe(created.traceId);
    expect(grant.parentSpanId).toBe(created.spanId);
    expect(traces[0]!.body).toContain('574057046565109672');
    expect(traces[0]!.body).not.toContain('TO ROLE');
    expect(all.map((s) => s.name)).not.toContain('SHOW');
    const metricBody = metrics.map((m) => m.body).join('');
    for (const name of ['policysync.tasks', 'policysync.sync.duration']) expect(metricBody).toContain(name);
  });
});
