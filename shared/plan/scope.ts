import type { Grant, Principal, Securable } from '../connectors/securable.js';
import { globMatcher } from './glob.js';

/** Which grants the sync may change: everything else it leaves exactly as it found it. */
export interface ManagedScope {
  managesPrincipal(p: Principal): boolean;
  managesObject(s: Securable): boolean;
  managesPrivilege(privilege: string): boolean;
}

export interface ScopeSettings {
  ignoreRoles: readonly string[];
  ignoreObjects: readonly string[];
  managedPrivileges: readonly string[];
}

// OWNERSHIP is transferred, never revoked or granted by a sync: losing it would orphan the object.
const NEVER_MANAGED = new Set(['OWNERSHIP', 'OWN']);

export function managedScope(s: ScopeSettings): ManagedScope {
  const ignoredPrincipal = globMatcher(s.ignoreRoles);
  const ignoredObject = globMatcher(s.ignoreObjects);
  const managed = new Set(s.managedPrivileges.map((p) => p.toUpperCase()));
  return {
    managesPrincipal: (p) => !ignoredPrincipal(p.name),
    managesObject: (o) => !o.path.some((_, i) => ignoredObject(o.path.slice(0, i + 1).join('.'))),
    managesPrivilege: (priv) => !NEVER_MANAGED.has(priv.toUpperCase()) && managed.has(priv.toUpperCase()),
  };
}

export const isManaged = (scope: ManagedScope, g: Grant) =>
  scope.managesPrincipal(g.principal) && scope.managesObject(g.securable) && scope.managesPrivilege(g.privilege);

/**
 * Whether a principal is one the connector acts as. Names compare case-insensitively: protecting a role that
 * differs from ours only in case costs nothing, while missing ours because of a configured spelling would let a
 * plan revoke the sync's own access.
 */
export function isIdentity(identity: readonly Principal[]): (p: Principal) => boolean {
  const names = new Set(identity.map((i) => i.name.toLowerCase()));
  return (p) => names.has(p.name.toLowerCase());
}
