import { type Config, ConfigError, loadConfig } from '../config.js';
import { WAREHOUSES } from '../connectors/modules.js';
import type { WarehouseModule } from '../connectors/warehouse-module.js';
import { connectWarehouse, policySource, prepareStorage } from '../runtime.js';
import { SETTINGS } from '../settings-list.js';
import { type DoctorReport, fail, report } from './check.js';
import { runDoctor } from './run-doctor.js';

/** The doctor's view of a configured service: the same storage, policy source and connector the functions build. */
export function doctorDeps(
  config: Config,
  env: NodeJS.ProcessEnv,
  warehouses: readonly WarehouseModule[] = WAREHOUSES,
) {
  const secretNames = [...SETTINGS, ...warehouses.flatMap((w) => w.settings)]
    .filter((s) => s.secret)
    .map((s) => s.name);
  return {
    config,
    storage: () => prepareStorage(config),
    policies: policySource(config),
    connect: () => connectWarehouse(config),
    secrets: secretNames.map((n) => env[n]).filter((v): v is string => Boolean(v)),
  };
}

/** The checks for the settings in `env`; settings that do not load are the one FAIL there is to report. */
export async function doctorFromEnv(
  env: NodeJS.ProcessEnv,
  warehouses: readonly WarehouseModule[] = WAREHOUSES,
): Promise<DoctorReport> {
  let config: Config;
  try {
    config = loadConfig(env, warehouses);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return report([fail('settings', err.problems.join('; '), 'set the settings it names (README, Settings)')]);
  }
  return runDoctor(doctorDeps(config, env, warehouses));
}
