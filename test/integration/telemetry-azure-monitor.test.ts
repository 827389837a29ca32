import { metrics } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { startTelemetry, type Telemetry } from '../../shared/telemetry/setup.js';
import { inSpan } from '../../shared/telemetry/spans.js';
import { activeTraceparent } from '../../shared/telemetry/trace-context.js';
import { MINIMAL_SETTINGS } from '../support/minimal-settings.js';

// APPLICATIONINSIGHTS_CONNECTION_STRING registers Azure Monitor's distro. Nothing here reaches Azure: its exports
// fail for want of a managed identity, which is all this machine lacks.
let telemetry: Telemetry;

beforeAll(async () => {
  telemetry = await startTelemetry(
    loadConfig({
      ...MINIMAL_SETTINGS,
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://ingest.invalid/',
    }),
  );
});
afterAll(async () => {
  await Promise.race([telemetry?.shutdown().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
});

describe('the Application Insights path', () => {
  it('registers the distro: a task gets a traceparent, spans record once its rate limiter has credit', async () => {
    expect(telemetry.kind).toBe('azure-monitor');
    const created = () =>
      inSpan('policysync.task.create', {}, async (span) => ({
        recording: span.isRecording(),
        traceparent: activeTraceparent(),
      }));
    // The distro samples at most 5 traces a second, starting from none: an unsampled task still carries its trace
    // (flags 00), so its worker's spans are left out with it.
    expect((await created()).traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    const deadline = Date.now() + 5000;
    let seen = await created();
    while (!seen.recording && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await created();
    }
    expect(seen.recording).toBe(true);
    expect(seen.traceparent).toMatch(/-01$/);
    expect(metrics.getMeterProvider().constructor.name).not.toBe('NoopMeterProvider');
  });
});
