import { createHash } from 'node:crypto';

/**
 * Table Storage keys built from names (database, schema, table, ...), which are anyone's input. A PartitionKey or
 * RowKey is "up to 1 KiB in size" and may not hold `/`, `\`, `#`, `?` or the control characters U+0000-U+001F and
 * U+007F-U+009F (learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model); Azurite
 * answers 500 to a `/`. A key here is ASCII only and at most MAX_KEY_CHARS long, within 1 KiB whether the service
 * counts UTF-8 or UTF-16 bytes.
 *
 * Each name is one segment: the name itself when it is short and made only of SAFE characters, otherwise `~` and
 * the SHA-256 of its UTF-16 code units (every unit, so two names that differ only in an unpaired surrogate still
 * differ). A readable segment never holds `~`, so it never equals another name's hash. Segments are joined by `:`,
 * which no segment holds: the key of a path is the key of its parent, `:`, and the child's segment, so the rows
 * below a resource are one key range (descendantRange).
 */
export const MAX_KEY_CHARS = 512;
const READABLE_CHARS = 100;
const HASHED = '~';
const SEPARATOR = ':';
/** Letters, digits and the punctuation identifiers commonly carry; nothing a URL, OData filter or the service reads. */
const SAFE = /^[A-Za-z0-9_$@. -]+$/;
/** A hashed segment is 65 characters and a readable one at most 100, so five levels fit in 504 characters. */
const MAX_LEVELS = Math.floor((MAX_KEY_CHARS + 1) / (READABLE_CHARS + 1));

export function nameKey(path: readonly string[]): string {
  if (path.length === 0 || path.length > MAX_LEVELS)
    throw new RangeError(`a name key has 1 to ${MAX_LEVELS} levels, not ${path.length}`);
  return path.map(segment).join(SEPARATOR);
}

/** Keys strictly below `key` in the hierarchy are those in [from, to): `key:` and anything after it. */
export function descendantRange(key: string): { from: string; to: string } {
  return { from: `${key}${SEPARATOR}`, to: `${key}${String.fromCharCode(SEPARATOR.charCodeAt(0) + 1)}` };
}

function segment(name: string): string {
  if (name.length <= READABLE_CHARS && SAFE.test(name)) return name;
  return HASHED + createHash('sha256').update(Buffer.from(name, 'utf16le')).digest('hex');
}
