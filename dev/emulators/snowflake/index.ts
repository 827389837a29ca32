export { startSnowflakeEmulator, DEFAULT_USERS, type SnowflakeEmulator, type SnowflakeEmulatorOptions } from './emulator.js';
export type { EmulatorControl, StatementLogEntry, InjectedError, StatementMatch } from '../control/control-state.js';
export type { Account, GrantView, GrantRecord } from './account.js';
export type { EmulatorUser } from './server.js';
export { loadCatalog, snowflakeCatalogSchema, type SnowflakeCatalog } from './seed.js';
export { parseQualifiedName } from './qualified-name.js';
