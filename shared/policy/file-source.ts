import { createHash } from 'node:crypto';
import { PolicyError } from './errors.js';
import { lastGoodFile } from './last-good-file.js';
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
  const read = lastGoodFile(
    path,
    (text): PolicySnapshot => ({
      ...parsePolicies(JSON.parse(text)),
      loadedAt: clock().toISOString(),
      revision: `sha256:${createHash('sha256').update(text).digest('hex')}`,
    }),
    {
      unreadable: (why) => new PolicyError('POLICY_UNAVAILABLE', `policy file ${path} cannot be read: ${why}`),
      notJson: (why) => new PolicyError('INVALID_POLICIES', `policy file ${path} is not valid JSON: ${why}`),
    },
  );
  return { current: read };
}
