import { describe, expect, it } from 'vitest';
import { changedPrincipals } from '../../../shared/principals/principal-changes.js';
import { UserStoreSchema } from '../../../shared/principals/user-store.js';

const store = (s: unknown) => UserStoreSchema.parse(s);
const before = store({
  groups: [
    { name: 'a', members: ['ann', 'bob'] },
    { name: 'b', members: ['cat'] },
    { name: 'gone', members: [] },
  ],
  roles: [{ name: 'lead', users: ['dan'], groups: ['a'] }],
});

describe('changedPrincipals', () => {
  it('names exactly the groups and roles whose members changed, were added or were removed', () => {
    const after = store({
      groups: [
        { name: 'a', members: ['bob', 'ann'] },
        { name: 'b', members: ['cat', 'eve'] },
        { name: 'new', members: [] },
      ],
      roles: [{ name: 'lead', users: ['dan'], groups: ['a'], roles: ['x'] }],
    });
    expect(changedPrincipals(before, after)).toEqual([
      { type: 'group', name: 'b' },
      { type: 'group', name: 'gone' },
      { type: 'group', name: 'new' },
      { type: 'role', name: 'lead' },
    ]);
  });

  it('names nothing when only the order of members differs', () => {
    expect(changedPrincipals(before, store({ ...before, groups: [...before.groups].reverse() }))).toEqual([]);
  });
});
