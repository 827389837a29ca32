import type { PrincipalRef } from '../task/principal-request.js';
import { membershipsOf, type UserStore } from './user-store.js';

const sameSet = (a: readonly string[] = [], b: readonly string[] = []) => {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
};

/**
 * The groups and roles whose membership differs between two reads of Ranger's principals: added, removed, or with
 * a member more or fewer. A user's change shows as the groups and roles it joined or left, which is what a sync of
 * those principals reconciles; a removed group or role is named too, so its sync reports the orphan.
 */
export function changedPrincipals(before: UserStore, after: UserStore): PrincipalRef[] {
  const a = membershipsOf(before);
  const b = membershipsOf(after);
  const changed: PrincipalRef[] = [];
  for (const name of new Set([...a.groupMembers.keys(), ...b.groupMembers.keys()]))
    if (
      !a.groupMembers.has(name) ||
      !b.groupMembers.has(name) ||
      !sameSet(a.groupMembers.get(name), b.groupMembers.get(name))
    )
      changed.push({ type: 'group', name });
  for (const name of new Set([...a.roleMembers.keys(), ...b.roleMembers.keys()])) {
    const x = a.roleMembers.get(name);
    const y = b.roleMembers.get(name);
    if (!x || !y || !sameSet(x.users, y.users) || !sameSet(x.groups, y.groups) || !sameSet(x.roles, y.roles))
      changed.push({ type: 'role', name });
  }
  return changed;
}
