import { readFile, stat } from 'node:fs/promises';
import { PolicyError } from './errors.js';

/**
 * A JSON file read again when its modification time or size changes, with the last good read kept in service: a
 * file that no longer reads or parses (an operator mid-edit) must not take every grant or membership away. Without
 * a good read to fall back on, `read` fails: the file cannot be found is `unreadable`, anything `parse` throws is
 * passed on (a PolicyError), and text that is not JSON is `notJson`.
 */
export function lastGoodFile<T>(
  path: string,
  parse: (text: string) => T,
  errors: { unreadable: (why: string) => PolicyError; notJson: (why: string) => PolicyError },
): () => Promise<T> {
  let last: { stamp: string; value: T } | undefined;
  return async () => {
    let stamp: string;
    try {
      const info = await stat(path);
      stamp = `${info.mtimeMs}:${info.size}`;
    } catch (error) {
      if (last) return last.value;
      throw errors.unreadable((error as Error).message);
    }
    if (last?.stamp === stamp) return last.value;
    try {
      const value = parse(await readFile(path, 'utf8'));
      last = { stamp, value };
      return value;
    } catch (error) {
      if (last) return last.value;
      throw error instanceof PolicyError ? error : errors.notJson((error as Error).message);
    }
  };
}
