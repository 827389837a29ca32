import type { JWTPayload } from 'jose';

/**
 * Whether the token grants `required` as a scope or a role. Read from `scp` (Entra ID delegated tokens, a
 * space-separated string), `scope` (RFC 8693 and most OAuth servers, space-separated) and `roles` (Entra ID app
 * roles of application tokens, an array); some issuers send `scp` or `scope` as an array, so both shapes count.
 * The match is exact and case-sensitive (RFC 6749 §3.3). Entra ID's claims: learn.microsoft.com/entra/identity-platform/
 * access-token-claims-reference (`scp` for delegated permissions, `roles` for application permissions).
 */
export function grantsScope(claims: JWTPayload, required: string): boolean {
  return ['scp', 'scope', 'roles'].some((claim) => values(claims[claim]).includes(required));
}

function values(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(' ');
  if (Array.isArray(claim)) return claim.filter((v): v is string => typeof v === 'string');
  return [];
}
