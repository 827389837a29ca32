import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { PolicyError } from './errors.js';
import type { PolicySnapshot } from './model.js';
import { parsePolicies } from './parse.js';
import type { PolicySource } from './source.js';

export interface FilePolicySourceOptions {
  now?: () => Date;
}

/**
 * Policies from a JSON file (POLICY_FILE). The file is read again when its modification time or size changes; a
 * file that no longer parses keeps the last good snapshot in service (an operator mid-edit must not revoke every
 * grant). If the first read fails there is nothing to fall back on: PolicyError.
 */
export function filePolicySource(path: string, opts: FilePolicySourceOptions = {}): PolicySource {
  const clock = opts.now ?? (() => new Date());
  let last: { stamp: string; snapshot: PolicySnapshot } | undefined;
  return {
    async current() {
      let stamp: string;
      try {
        const info = await stat(path);
        stamp = `${info.mtimeMs}:${info.size}`;
      } catch (error) {
        if (last) return last.snapshot;
        throw new PolicyError('POLICY_UNAVAILABLE', `policy file ${path} cannot be read: ${(error as Error).message}`);
      }
      if (last?.stamp === stamp) return last.snapshot;
      try {
        const text = await readFile(path, 'utf8');
        const snapshot = {
          ...parsePolicies(JSON.parse(text)),
          loadedAt: clock().toISOString(),
          revision: `sha256:${createHash('sha256').update(text).digest('hex')}`,
        };
        last = { stamp, snapshot };
        return snapshot;
      } catch (error) {
        if (last) return last.snapshot;
        if (error instanceof PolicyError) throw error;
        throw new PolicyError('INVALID_POLICIES', `policy file ${path} is not valid JSON: ${(error as Error).message}`);
      }
    },
  };
}
