import { context, metrics, type ProxyTracerProvider, trace } from '@opentelemetry/api';
import type { Config } from '../config.js';
import { managedIdentityCredential } from '../store/clients.js';

/** What the setup reads: the telemetry settings, the instance's name, and the identity storage uses too. */
export type TelemetryConfig = Pick<Config, 'telemetry' | 'instance' | 'storage'>;

export type TelemetryChoice =
  | { kind: 'azure-monitor'; connectionString: string }
  | { kind: 'otlp'; endpoint: string }
  | { kind: 'none' };

/** Application Insights when its connection string is set, else OTLP when an endpoint is, else nothing at all. */
export function telemetryChoice(s: Config['telemetry']): TelemetryChoice {
  if (s.appInsightsConnectionString) return { kind: 'azure-monitor', connectionString: s.appInsightsConnectionString };
  if (s.otlpEndpoint) return { kind: 'otlp', endpoint: s.otlpEndpoint };
  return { kind: 'none' };
}

export interface Telemetry {
  kind: TelemetryChoice['kind'];
  /** Exports what is buffered now (tests, and a host that stops). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

type Flushable = { forceFlush?: () => Promise<void> };

let started: Promise<Telemetry> | undefined;

/**
 * Registers the OpenTelemetry SDK this process exports with, once, before the first request; the instrumentation
 * in shared/ speaks only to @opentelemetry/api, a no-op until then (and forever when nothing is configured). The
 * SDK is loaded only when chosen.
 */
export function startTelemetry(s: TelemetryConfig): Promise<Telemetry> {
  started ??= register(s);
  return started;
}

async function register(s: TelemetryConfig): Promise<Telemetry> {
  const choice = telemetryChoice(s.telemetry);
  if (choice.kind === 'azure-monitor') return azureMonitor(choice.connectionString, s);
  if (choice.kind === 'otlp') return otlp(choice.endpoint, s);
  return { kind: 'none', flush: async () => undefined, shutdown: async () => undefined };
}

/**
 * Azure Monitor's distro, authenticated with the app's managed identity: the deployment turns local auth off on
 * Application Insights and gives the identity "Monitoring Metrics Publisher" on it (infra/). `credential` is the
 * exporter's Entra ID option (learn.microsoft.com/javascript/api/@azure/monitor-opentelemetry-exporter/
 * azuremonitorexporteroptions). The distro's automatic instrumentations stay off: outgoing HTTP spans would carry
 * the URLs of Ranger and the warehouse's token endpoint, and one span per storage request would bury the task's
 * own spans; the task's trace is what shared/ instruments.
 */
async function azureMonitor(connectionString: string, s: TelemetryConfig): Promise<Telemetry> {
  const { useAzureMonitor, shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
  const off = { enabled: false };
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString, credential: managedIdentityCredential(s.storage.clientId) },
    instrumentationOptions: {
      azureSdk: off,
      http: off,
      mongoDb: off,
      mySql: off,
      postgreSql: off,
      redis: off,
      redis4: off,
      bunyan: off,
      winston: off,
    },
  });
  const flush = async () => {
    // The API hands out a proxy of the tracer provider the distro registered; the meter provider is its own.
    const tracing = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as Flushable;
    const metering = metrics.getMeterProvider() as Flushable;
    await Promise.all([tracing.forceFlush?.(), metering.forceFlush?.()]);
  };
  return { kind: 'azure-monitor', flush, shutdown: () => shutdownAzureMonitor() };
}

/** OTLP/HTTP (JSON) to a collector: `<endpoint>/v1/traces` and `<endpoint>/v1/metrics`, as the OTLP spec joins them. */
async function otlp(endpoint: string, s: TelemetryConfig): Promise<Telemetry> {
  const [{ AsyncLocalStorageContextManager }, { resourceFromAttributes }, tracing, metering, traces, metricsOut] =
    await Promise.all([
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/sdk-metrics'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/exporter-metrics-otlp-http'),
    ]);
  const base = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  const resource = resourceFromAttributes({ 'service.name': 'policysync', 'service.instance.id': s.instance });
  const tracerProvider = new tracing.BasicTracerProvider({
    resource,
    spanProcessors: [
      new tracing.BatchSpanProcessor(new traces.OTLPTraceExporter({ url: new URL('v1/traces', base).href })),
    ],
  });
  const meterProvider = new metering.MeterProvider({
    resource,
    readers: [
      new metering.PeriodicExportingMetricReader({
        exporter: new metricsOut.OTLPMetricExporter({ url: new URL('v1/metrics', base).href }),
        exportIntervalMillis: 60_000,
      }),
    ],
  });
  // Spans find their parent in the active context: without a context manager every span would start a trace.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    kind: 'otlp',
    flush: async () => {
      await Promise.all([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    shutdown: async () => {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
