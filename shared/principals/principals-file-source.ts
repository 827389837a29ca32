import { readFile, stat } from 'node:fs/promises';
import { PolicyError } from '../policy/errors.js';
import { type PrincipalSource, UserStoreSchema, type UserStoreSnapshot } from './user-store.js';

/**
 * Principals from a JSON file (PRINCIPALS_FILE), read again when its modification time or size changes. A file
 * that no longer parses keeps the last good snapshot in service: an operator mid-edit must not revoke every
 * membership. If the first read fails there is nothing to fall back on: PolicyError PRINCIPALS_UNAVAILABLE.
 */
export function filePrincipalSource(path: string, now: () => Date = () => new Date()): PrincipalSource {
  let last: { stamp: string; snapshot: UserStoreSnapshot } | undefined;
  const unavailable = (why: string) =>
    new PolicyError('POLICY_UNAVAILABLE', `principals file ${path} cannot be used: ${why}`);
  return {
    async current() {
      let stamp: string;
      try {
        const info = await stat(path);
        stamp = `${info.mtimeMs}:${info.size}`;
      } catch (error) {
        if (last) return last.snapshot;
        throw unavailable((error as Error).message);
      }
      if (last?.stamp === stamp) return last.snapshot;
      try {
        const parsed = UserStoreSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
        if (!parsed.success)
          throw unavailable(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        const snapshot = { store: parsed.data, version: null, loadedAt: now().toISOString() };
        last = { stamp, snapshot };
        return snapshot;
      } catch (error) {
        if (last) return last.snapshot;
        throw error instanceof PolicyError ? error : unavailable(`not valid JSON (${(error as Error).message})`);
      }
    },
  };
}
