import { metrics, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config.js';
import { startTelemetry, telemetryChoice } from '../../../shared/telemetry/setup.js';
import { inSpan } from '../../../shared/telemetry/spans.js';
import { activeTraceparent } from '../../../shared/telemetry/trace-context.js';
import { MINIMAL_SETTINGS } from '../../support/minimal-settings.js';

const base = MINIMAL_SETTINGS;
const APP_INSIGHTS = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x.invalid/';

describe('the telemetry setup', () => {
  it('chooses Application Insights over OTLP, OTLP when only its endpoint is set, and nothing otherwise', () => {
    const choose = (env: Record<string, string>) => telemetryChoice(loadConfig({ ...base, ...env }).telemetry).kind;
    expect(choose({})).toBe('none');
    expect(choose({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe('otlp');
    expect(choose({ APPLICATIONINSIGHTS_CONNECTION_STRING: APP_INSIGHTS })).toBe('azure-monitor');
    expect(
      choose({ APPLICATIONINSIGHTS_CONNECTION_STRING: APP_INSIGHTS, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4318' }),
    ).toBe('azure-monitor');
  });

  it('registers nothing when neither setting is set: spans do not record and no traceparent is stored', async () => {
    const telemetry = await startTelemetry(loadConfig(base));
    expect(telemetry.kind).toBe('none');
    const recorded = await inSpan('policysync.task.create', {}, async (span) => ({
      recording: span.isRecording(),
      traceparent: activeTraceparent(),
    }));
    expect(recorded).toEqual({ recording: false, traceparent: undefined });
    expect(trace.getTracer('policysync').startSpan('x').isRecording()).toBe(false);
    expect(metrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider');
  });
});
