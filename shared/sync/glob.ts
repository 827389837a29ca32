/** Whole-value glob (`*`, `?`), case-insensitive: the form ignore lists are written in. */
export function globMatcher(patterns: readonly string[]): (value: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i'));
  return (value) => res.some((re) => re.test(value));
}
