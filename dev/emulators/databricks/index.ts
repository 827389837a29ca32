export {
  startDatabricksEmulator, DEFAULT_TOKEN, WAREHOUSE_PATH, type DatabricksEmulator, type DatabricksEmulatorOptions,
} from './server.js';
export { DEFAULT_OAUTH_CLIENT, type OAuthClient, type TokenRequestEntry } from './oauth-tokens.js';
export type { EmulatorControl, StatementLogEntry, InjectedError, StatementMatch } from '../control/control-state.js';
export { Metastore, type GrantEntry, type EffectiveGrant, type SecurableType, type PrincipalEntry } from './metastore.js';
export { loadSeed, databricksCatalogSchema, type DatabricksCatalog } from './seed.js';
export { DatabricksSqlError } from './errors.js';
export { parseQualifiedName } from './sql/parse.js';
