import type { PrincipalVisibility } from '../connectors/membership-port.js';
import type { Principal } from '../connectors/securable.js';
import { ALL_PRINCIPALS } from '../task/principal-request.js';
import type { ResourceRef } from '../task/request.js';
import type { PrincipalContext } from './principal-context.js';
import type { ResourceOutcome } from './resource-sync.js';

const SHOWN = 20;
const list = (ps: Principal[]) =>
  `${ps
    .slice(0, SHOWN)
    .map((p) => `${p.kind.replace('_', ' ')} ${p.name}`)
    .join(', ')}${ps.length > SHOWN ? ', …' : ''}`;

/**
 * One requested principal on a warehouse that can only say who exists (Unity Catalog): each principal it stands for
 * is looked for where SQL can see it; a missing one fails the row with what to do, and nothing is changed.
 */
export async function checkPrincipals(
  ref: ResourceRef,
  ctx: PrincipalContext,
  visibility: PrincipalVisibility,
): Promise<ResourceOutcome> {
  const type = ref.type as 'user' | 'group' | 'role';
  const name = ref.values.name ?? '';
  const m = ctx.memberships;
  const known =
    type === 'user' ? m.users : type === 'group' ? new Set(m.groupMembers.keys()) : new Set(m.roleMembers.keys());
  if (name !== ALL_PRINCIPALS && !known.has(name))
    return { status: 'SKIPPED', message: `not found: Ranger has no ${type} ${name}` };
  const principals = (name === ALL_PRINCIPALS ? [...known] : [name])
    .map((n) => ctx.profile.principalFor(type, n))
    .filter((p) => ctx.manages(p.name));
  const { missing, unverifiable } = await visibility.check(principals);
  const warnings = [
    ...(unverifiable.length > 0
      ? [
          `${unverifiable.length} principal(s) cannot be verified over SQL (service principals are not listed): ${list(unverifiable)}`,
        ]
      : []),
    'memberships live at the account level (SCIM) and are not synced from a workspace',
  ];
  const result = {
    granted: [],
    revoked: [],
    unchanged: principals.length - missing.length,
    warnings,
    statements: [],
    plan: [],
    ...(ctx.snapshot.version !== null ? { policyVersion: ctx.snapshot.version } : {}),
    ...(ctx.dryRun ? { dryRun: true } : {}),
  };
  if (missing.length > 0)
    return {
      status: 'FAILED',
      message: `${missing.length} principal(s) do not exist where Unity Catalog can see them, so grants to them cannot be synced: ${list(missing)}; ${visibility.remedy}`,
      result,
    };
  return { status: 'SUCCESS', message: `${principals.length} principal(s) exist in the workspace`, result };
}
