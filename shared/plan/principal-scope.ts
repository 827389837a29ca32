import type { Principal } from '../connectors/securable.js';
import { globMatcher } from './glob.js';
import { isIdentity } from './scope.js';

export interface PrincipalScopeSettings {
  /** Globs of warehouse role and user names the sync may change (PRINCIPAL_SYNC_INCLUDE). */
  include: readonly string[];
  /** Globs it never touches (PRINCIPAL_SYNC_EXCLUDE, IGNORE_ROLES and the warehouse's system roles). */
  exclude: readonly string[];
}

/**
 * Which warehouse roles and users a principal sync may change: included, not excluded, and never one the connector
 * acts as (revoking our own role would end the sync; granting to it would widen what the service can reach).
 */
export function principalScope(s: PrincipalScopeSettings, identity: readonly Principal[]): (name: string) => boolean {
  const included = globMatcher(s.include);
  const excluded = globMatcher(s.exclude);
  const ourself = isIdentity(identity);
  return (name) => included(name) && !excluded(name) && !ourself({ kind: 'role', name });
}
