/**
 * A child process for test/integration/resident-modules.test.ts: records every module it loads (ES modules through a
 * loader hook, CommonJS through require.cache), starts what argv[2] names the way the service starts it, and prints
 * the loaded files, one absolute path or URL a line. Everything it starts is imported only after the hook is in place.
 */
import { readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const [scenario, logFile] = process.argv.slice(2) as [string, string];

const HOOKS = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) { appendFileSync(log, url + '\\n'); return next(url, context); }
`;
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, import.meta.url, { data: { log: logFile } });

const SCENARIOS: Record<string, () => Promise<unknown>> = {
  /** What the Azure Functions worker runs: the app's entry point (telemetry included), then the warehouse connection. */
  'deployed-entry': async () => {
    await import('../../functions/index.js');
    const { appConfig } = await import('../../functions/services.js');
    const { connectWarehouse } = await import('../../shared/runtime.js');
    return connectWarehouse(appConfig());
  },
  /** What the local host imports before it knows whether a warehouse is configured. */
  'local-warehouses': () => import('../../dev/warehouses/registry.js'),
};

await SCENARIOS[scenario]!();
const loaded = [...readFileSync(logFile, 'utf8').split('\n'), ...Object.keys(createRequire(import.meta.url).cache)];
process.stdout.write(`${loaded.filter(Boolean).join('\n')}\n`);
process.exit(0);
