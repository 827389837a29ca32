/** A grantable object in the warehouse; `path` is its name parts as the warehouse stores them. */
export type SecurableKind = 'database' | 'catalog' | 'schema' | 'table' | 'view';
export interface Securable { kind: SecurableKind; path: string[] }

export type PrincipalKind = 'role' | 'user' | 'group' | 'service_principal';
export interface Principal { kind: PrincipalKind; name: string }

export interface Grant { securable: Securable; principal: Principal; privilege: string }
