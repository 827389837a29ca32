import { type Securable, securableName } from '../../connectors/securable.js';
import type { MaskDecision, ResourceAcl, RowFilterDecision } from '../../policy/acl.js';
import type { RangerPrincipalType, WarehouseProfile } from '../profile.js';
import type { ManagedScope } from '../scope.js';

const EVERYONE = 'public';

/**
 * Warnings for the mask and row-filter items that name a principal IGNORE_ROLES leaves out of the sync.
 *
 * Such an item is still rendered exactly as the policy says. A mask or a filter never grants anything; it only
 * narrows what a SELECT returns. Leaving the ignored principal's branch out of the body would not leave that
 * principal alone: it would fall through to a later branch or to the clear ELSE, and could see clearer data
 * than any policy allows. So the sync keeps the branch and says so, and IGNORE_ROLES keeps its meaning for
 * grants: nothing is ever granted to or revoked from an ignored principal. `public` means every reader, not
 * the PUBLIC role, and is never reported.
 */
export function ignoredPrincipalWarnings(
  tables: { securable: Securable; acl: ResourceAcl }[],
  profile: WarehouseProfile,
  scope: ManagedScope,
  onlyColumn?: string,
): string[] {
  const warnings = new Set<string>();
  const check = (item: MaskDecision | RowFilterDecision, what: string, verb: string) => {
    if (!item.accessTypes.some((a) => a.toLowerCase() === 'select')) return;
    const named: [RangerPrincipalType, string][] = [
      ...item.users.map((n): [RangerPrincipalType, string] => ['user', n]),
      ...item.groups.filter((n) => n !== EVERYONE).map((n): [RangerPrincipalType, string] => ['group', n]),
      ...item.roles.map((n): [RangerPrincipalType, string] => ['role', n]),
    ];
    for (const [type, name] of named) {
      const principal = profile.principalFor(type, name);
      if (scope.managesPrincipal(principal)) continue;
      warnings.add(
        `${what}: policy ${item.policyId ?? '?'} ${verb} for ${principal.kind.replace('_', ' ')} ${principal.name}, which IGNORE_ROLES leaves out of the sync; ` +
          'its item is applied as the policy says (leaving it out could show that principal clearer data)',
      );
    }
  };
  for (const { securable, acl } of tables) {
    for (const [column, items] of Object.entries(acl.masks)) {
      if (onlyColumn !== undefined && column !== onlyColumn) continue;
      for (const item of items) check(item, `column ${securableName(securable)}.${column}`, 'masks values');
    }
    if (onlyColumn === undefined)
      for (const item of acl.rowFilters) check(item, `table ${securableName(securable)}`, 'filters rows');
  }
  return [...warnings];
}
