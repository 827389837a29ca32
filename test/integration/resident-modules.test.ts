import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MINIMAL_SETTINGS } from '../support/minimal-settings.js';

// Each worker process keeps resident whatever it has loaded: a driver, an exporter or an emulator the configuration
// does not use costs every instance megabytes for nothing (RSS measured on Node 20: Azure Monitor's distro ~60 MB and
// the Databricks driver ~34 MB each imported alone, the two emulators ~10 MB beside the functions). These start the
// service in a child process and read which files it loaded.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('../support/loaded-modules-child.ts', import.meta.url));
const logs = mkdtempSync(join(tmpdir(), 'resident-modules-'));
afterAll(() => rmSync(logs, { recursive: true, force: true }));

const DATABRICKS = {
  CONNECTOR_KIND: 'databricks_unity_catalog',
  DATABRICKS_HOST: 'adb-1.2.azuredatabricks.net',
  DATABRICKS_HTTP_PATH: '/sql/1.0/warehouses/w',
  DATABRICKS_TOKEN: 't',
};
const APP_INSIGHTS = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x.invalid/';

let runs = 0;
/** The files a child loaded starting `scenario` with these settings (and nothing of this process's environment). */
function loadedBy(scenario: string, settings: Record<string, string>): Promise<string[]> {
  const log = join(logs, `${runs++}.log`);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, scenario, log], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(out.split('\n').filter(Boolean)) : reject(new Error(`child exited ${code}:\n${err}`)),
    ),
  );
}

const packageLoaded = (files: string[], name: string) => files.some((f) => f.includes(`/node_modules/${name}/`));
const repoLoaded = (files: string[], dir: string) =>
  files.some((f) => f.replace(/^file:\/\//, '').startsWith(join(ROOT, dir)));

const TELEMETRY_SDKS = [
  '@azure/monitor-opentelemetry',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/exporter-metrics-otlp-http',
];

describe('a worker process', { timeout: 120_000 }, () => {
  it('loads the configured driver and no telemetry SDK, other driver, emulator or Azurite when none is configured', async () => {
    const files = await loadedBy('deployed-entry', MINIMAL_SETTINGS);
    expect(packageLoaded(files, 'snowflake-sdk'), 'the configured driver').toBe(true);
    expect(TELEMETRY_SDKS.filter((p) => packageLoaded(files, p))).toEqual([]);
    expect(packageLoaded(files, '@databricks/sql')).toBe(false);
    expect(packageLoaded(files, 'azurite')).toBe(false);
    expect(repoLoaded(files, 'dev/')).toBe(false);
  });

  it('loads the Databricks driver, and not Snowflake’s, for a Databricks instance', async () => {
    const files = await loadedBy('deployed-entry', { ...MINIMAL_SETTINGS, ...DATABRICKS });
    expect(packageLoaded(files, '@databricks/sql')).toBe(true);
    expect(packageLoaded(files, 'snowflake-sdk')).toBe(false);
  });

  it('loads the OTLP exporters when an OTLP endpoint is set, and Azure Monitor’s distro when Application Insights is', async () => {
    const otlp = await loadedBy('deployed-entry', {
      ...MINIMAL_SETTINGS,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(packageLoaded(otlp, '@opentelemetry/exporter-trace-otlp-http')).toBe(true);
    expect(packageLoaded(otlp, '@azure/monitor-opentelemetry')).toBe(false);
    const azure = await loadedBy('deployed-entry', {
      ...MINIMAL_SETTINGS,
      APPLICATIONINSIGHTS_CONNECTION_STRING: APP_INSIGHTS,
    });
    expect(packageLoaded(azure, '@azure/monitor-opentelemetry')).toBe(true);
  });
});

describe('the local host', { timeout: 60_000 }, () => {
  it('loads no warehouse emulator before it knows that it must start one', async () => {
    const files = await loadedBy('local-warehouses', {});
    expect(repoLoaded(files, 'dev/warehouses/')).toBe(true);
    expect(repoLoaded(files, 'dev/emulators/')).toBe(false);
    expect(packageLoaded(files, 'thrift')).toBe(false);
  });
});
