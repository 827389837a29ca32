export type { EmulatorControl, InjectedError, StatementLogEntry, StatementMatch } from '../control/control-state.js';
export type { Account, GrantRecord, GrantView } from './account.js';
export {
  DEFAULT_USERS,
  type SnowflakeEmulator,
  type SnowflakeEmulatorOptions,
  startSnowflakeEmulator,
} from './emulator.js';
export { parseQualifiedName } from './qualified-name.js';
export { loadCatalog, type SnowflakeCatalog, snowflakeCatalogSchema } from './seed.js';
export type { EmulatorUser } from './server.js';
