import { type Grant, principalKey, type Securable, securableKey, securableName } from '../connectors/securable.js';
import type { ResourceAcl } from '../policy/acl.js';
import type { RangerPrincipalType, WarehouseProfile } from './profile.js';

export interface DesiredGrant extends Grant {
  reason: string;
}
export interface Desired {
  grants: DesiredGrant[];
  warnings: string[];
}

/** A grant's identity: securable, principal and privilege, each by its own identity. */
export const grantKey = (g: Grant) =>
  JSON.stringify([securableKey(g.securable), principalKey(g.principal), g.privilege]);

/**
 * Turns per-object ACLs into the grants the warehouse should hold: every ALLOWED access mapped to the
 * object's privileges, and the parent privilege (USAGE / USE ...) on every ancestor of a granted object.
 * What grants cannot say — a deny while another principal is allowed, a conditional access — becomes a warning.
 */
export function desiredGrants(acls: { securable: Securable; acl: ResourceAcl }[], profile: WarehouseProfile): Desired {
  // A parent's USAGE collects a reason from every object below it: the reasons are gathered as a list and a set of
  // their parts and joined once at the end, not split and rebuilt on every grant (quadratic in a schema's tables).
  const byKey = new Map<string, { grant: DesiredGrant; reasons: string[]; parts: Set<string> }>();
  const warnings = new Set<string>();
  const add = (g: DesiredGrant) => {
    const k = grantKey(g);
    const had = byKey.get(k);
    if (!had) byKey.set(k, { grant: g, reasons: [g.reason], parts: new Set(g.reason.split(', ')) });
    else if (!had.parts.has(g.reason)) {
      had.reasons.push(g.reason);
      for (const part of g.reason.split(', ')) had.parts.add(part);
    }
  };

  for (const { securable, acl } of acls) {
    const allowedAccess = new Set<string>();
    for (const [type, table] of principalTables(acl)) {
      for (const [name, accesses] of Object.entries(table)) {
        for (const [access, decision] of Object.entries(accesses)) {
          if (decision.result !== 'ALLOWED') continue;
          allowedAccess.add(access);
          const principal = profile.principalFor(type, name);
          for (const privilege of profile.privilegesFor(access, securable.kind)) {
            add({ securable, principal, privilege, reason: reasonOf(decision.policyId) });
          }
        }
      }
    }
    for (const [type, table] of principalTables(acl)) {
      for (const [name, accesses] of Object.entries(table)) {
        for (const [access, decision] of Object.entries(accesses)) {
          if (profile.privilegesFor(access, securable.kind).length === 0) continue;
          if (decision.result === 'CONDITIONAL') {
            warnings.add(
              `${access} for ${type} ${name} on ${securableName(securable)} is conditional (${reasonOf(decision.policyId)}); conditions cannot be expressed as grants, so nothing was granted`,
            );
          } else if (decision.result === 'DENIED' && allowedAccess.has(access)) {
            warnings.add(
              `${access} is denied to ${type} ${name} on ${securableName(securable)} (${reasonOf(decision.policyId)}) while others are allowed it; grants cannot express the deny if ${name} holds an allowed role or group`,
            );
          }
        }
      }
    }
  }

  for (const { grant: g } of [...byKey.values()]) {
    for (let depth = g.securable.path.length - 1; depth >= 1; depth--) {
      const parent = parentAt(g.securable, depth, profile);
      const privilege = profile.parentPrivilege(parent.kind);
      if (privilege)
        add({
          securable: parent,
          principal: g.principal,
          privilege,
          reason: `parent of ${securableName(g.securable)}`,
        });
    }
  }
  return {
    grants: [...byKey.values()].map(({ grant, reasons }) => ({ ...grant, reason: reasons.join(', ') })),
    warnings: [...warnings],
  };
}

function principalTables(acl: ResourceAcl): [RangerPrincipalType, ResourceAcl['users']][] {
  return [
    ['user', acl.users],
    ['group', acl.groups],
    ['role', acl.roles],
  ];
}

const reasonOf = (policyId: number | null) => (policyId === null ? 'policy' : `policy ${policyId}`);

function parentAt(s: Securable, depth: number, profile: WarehouseProfile): Securable {
  return { kind: depth === 1 ? profile.containerKind : 'schema', path: s.path.slice(0, depth) };
}
