import functions from '@azure/functions';
import { startTelemetry } from '../shared/telemetry/setup.js';
import { registrations } from './registry.js';
import { appConfig } from './services.js';

// The package is CommonJS: its classes and `app` come through the default import under plain Node ESM.
const { app } = functions;
const config = appConfig();
for (const warning of config.warnings) console.warn(`policysync: ${warning}`);
for (const r of registrations(config)) {
  if (r.kind === 'http') app.http(r.name, r.options);
  else if (r.kind === 'queue') app.storageQueue(r.name, r.options);
  else if (r.kind === 'timer') app.timer(r.name, r.options);
  else app.eventHub(r.name, r.options);
}
// Before the first invocation: the worker serves none until this module has loaded.
await startTelemetry(config).catch((err: unknown) =>
  console.warn(`policysync: telemetry is off, its exporter could not start: ${(err as Error).message}`),
);
