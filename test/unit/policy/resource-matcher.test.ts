import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { valueMatches } from '../../../shared/policy/match.js';
import { serviceDefFromRanger } from '../../../shared/policy/service-defs.js';

const paths = serviceDefFromRanger({
  name: 'paths',
  resources: [{ name: 'path', level: 1, recursiveSupported: true }],
  accessTypes: [{ name: 'read' }],
});
const literal = { kind: 'literal' } as const;

/** Milliseconds `f` takes; the bound below is hundreds of times what linear work needs, even on a busy machine. */
function timed(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

describe('matching time grows with the length of a name, not with its square', () => {
  it('a name ending in a long run of slashes, against a recursive path policy', () => {
    const name = `/data${'/'.repeat(100_000)}x`;
    const policy = { values: ['/data/'], isExcludes: false, isRecursive: true };
    let admitted: boolean | undefined;
    expect(timed(() => (admitted = valueMatches(policy, name, 'path', paths, literal)))).toBeLessThan(1_000);
    expect(admitted).toBe(true);
  });

  it('a policy value made of long runs of stars', () => {
    const pattern = `a${'*'.repeat(100_000)}b${'*'.repeat(100_000)}`;
    const policy = { values: [pattern], isExcludes: false, isRecursive: false };
    let admitted: boolean | undefined;
    expect(timed(() => (admitted = valueMatches(policy, 'a-b-c', 'path', paths, literal)))).toBeLessThan(1_000);
    expect(admitted).toBe(true);
  });
});
