/** A grantable object in the warehouse; `path` is its name parts as the warehouse stores them. */
export type SecurableKind =
  | 'database'
  | 'catalog'
  | 'schema'
  | 'table'
  | 'view'
  // Unity Catalog's other schema objects: they come with their schema, never on their own.
  | 'function'
  | 'volume'
  | 'model';
export interface Securable {
  kind: SecurableKind;
  path: string[];
}

export type PrincipalKind = 'role' | 'user' | 'group' | 'service_principal';
export interface Principal {
  kind: PrincipalKind;
  name: string;
}

export interface Grant {
  securable: Securable;
  principal: Principal;
  privilege: string;
}

/**
 * A securable's identity: its kind and every part of its path. Maps, sets and comparisons key on this, never on
 * the dotted name: `"A.B"."C"` and `"A"."B.C"` are two objects.
 */
export const securableKey = (s: Securable) => JSON.stringify([s.kind, ...s.path]);

/** A securable as a person reads it, parts joined with `.`: ambiguous, so for messages and display order only. */
export const securableName = (s: Securable) => s.path.join('.');

/** A principal's identity; no kind holds `:`, so the first one ends the kind. */
export const principalKey = (p: Principal) => `${p.kind}:${p.name}`;
