export type { EmulatorControl, InjectedError, StatementLogEntry, StatementMatch } from '../control/control-state.js';
export { DatabricksSqlError } from './errors.js';
export {
  type EffectiveGrant,
  type GrantEntry,
  Metastore,
  type PrincipalEntry,
  type SecurableType,
} from './metastore.js';
export { DEFAULT_OAUTH_CLIENT, type OAuthClient, type TokenRequestEntry } from './oauth-tokens.js';
export { type DatabricksCatalog, databricksCatalogSchema, loadSeed } from './seed.js';
export {
  type DatabricksEmulator,
  type DatabricksEmulatorOptions,
  DEFAULT_TOKEN,
  startDatabricksEmulator,
  WAREHOUSE_PATH,
} from './server.js';
export { parseQualifiedName } from './sql/parse.js';
