import { PolicyError } from '../policy/errors.js';
import { lastGoodFile } from '../policy/last-good-file.js';
import { type PrincipalSource, UserStoreSchema, type UserStoreSnapshot } from './user-store.js';

/**
 * Principals from a JSON file (PRINCIPALS_FILE), read again when its modification time or size changes. A file
 * that no longer parses keeps the last good snapshot in service: an operator mid-edit must not revoke every
 * membership. If the first read fails there is nothing to fall back on: PolicyError PRINCIPALS_UNAVAILABLE.
 */
export function filePrincipalSource(path: string, now: () => Date = () => new Date()): PrincipalSource {
  const unavailable = (why: string) =>
    new PolicyError('POLICY_UNAVAILABLE', `principals file ${path} cannot be used: ${why}`);
  const read = lastGoodFile(
    path,
    (text): UserStoreSnapshot => {
      const parsed = UserStoreSchema.safeParse(JSON.parse(text));
      if (!parsed.success)
        throw unavailable(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return { store: parsed.data, version: null, loadedAt: now().toISOString() };
    },
    { unreadable: unavailable, notJson: (why) => unavailable(`not valid JSON (${why})`) },
  );
  return { current: read };
}
