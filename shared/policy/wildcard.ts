/**
 * Ranger's RangerDefaultResourceMatcher compares whole values: `*` matches any run of characters (also none), `?`
 * exactly one; nothing else is special. Case is ignored unless the resource definition says otherwise.
 */
export function wildcardMatches(pattern: string, value: string, opts: { ignoreCase: boolean; wildcard: boolean }): boolean {
  if (!opts.wildcard || !hasWildcard(pattern)) {
    return opts.ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return compiled(pattern, opts.ignoreCase).test(value);
}

export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

/** `*` alone (or an empty value, which Ranger treats alike) matches every name. */
export function isMatchAll(value: string): boolean {
  return value === '*' || value === '';
}

const cache = new Map<string, RegExp>();

function compiled(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}:${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const body = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|/-]/g, '\\$&'))).join('');
    re = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    if (cache.size > 5000) cache.clear();
    cache.set(key, re);
  }
  return re;
}
