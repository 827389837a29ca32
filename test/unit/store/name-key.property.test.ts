import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { descendantRange, MAX_KEY_CHARS, nameKey } from '../../../shared/store/name-key.js';
import { hostileName } from '../../support/hostile-names.js';

/** What Table Storage takes as a PartitionKey or RowKey (see name-key.ts), checked here from the rule, not the code. */
function isStorableKey(key: string): boolean {
  return (
    key.length > 0 &&
    key.length <= MAX_KEY_CHARS &&
    Buffer.byteLength(key, 'utf8') <= 1024 &&
    Buffer.byteLength(key, 'utf16le') <= 1024 &&
    !/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(key)
  );
}

const path = (levels: { min: number; max: number }) =>
  fc.array(hostileName, { minLength: levels.min, maxLength: levels.max });
const inRange = (key: string, range: { from: string; to: string }) => key >= range.from && key < range.to;
const isBelow = (child: readonly string[], parent: readonly string[]) =>
  child.length > parent.length && parent.every((n, i) => child[i] === n);

describe('Table Storage keys from names', () => {
  it('are valid keys within 1 KiB for names of 255 characters at every level, in any script', () => {
    fc.assert(
      fc.property(path({ min: 1, max: 5 }), (p) => isStorableKey(nameKey(p))),
      { numRuns: 500 },
    );
  });

  it('differ whenever the names differ', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(path({ min: 1, max: 4 }), { minLength: 2, maxLength: 12, selector: (p) => JSON.stringify(p) }),
        (paths) => new Set(paths.map(nameKey)).size === paths.length,
      ),
      { numRuns: 300 },
    );
  });

  it('differ for names that differ in one character, a split or a lone surrogate', () => {
    const h = nameKey(['x/y']).split(':')[0]!;
    const pairs: [string[], string[]][] = [
      [['a:b'], ['a', 'b']],
      [['a.b'], ['a', 'b']],
      [['SALES'], ['sales']],
      [[''], [' ']],
      [['\ud800'], ['\ufffd']],
      [['\ud800'], ['\ud801']],
      [['😀'], ['\ud83d', '\ude00']],
      [[h], ['x/y']],
      [['a'.repeat(100)], ['a'.repeat(101)]],
    ];
    for (const [a, b] of pairs) expect(nameKey(a), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).not.toBe(nameKey(b));
    fc.assert(
      fc.property(hostileName, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (name, at, c) => {
        const i = at % (name.length + 1);
        const other = name.slice(0, i) + c + name.slice(i + 1);
        return other === name || nameKey([name]) !== nameKey([other]);
      }),
      { numRuns: 500 },
    );
  });

  it("put a resource's descendants, and only them, in its key range", () => {
    fc.assert(
      fc.property(
        path({ min: 1, max: 3 }),
        path({ min: 1, max: 2 }),
        path({ min: 1, max: 4 }),
        (parent, tail, other) => {
          const range = descendantRange(nameKey(parent));
          return (
            inRange(nameKey([...parent, ...tail]), range) && inRange(nameKey(other), range) === isBelow(other, parent)
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keep short names of identifier characters readable', () => {
    expect(nameKey(['SALES', 'PUBLIC', 'ORDERS'])).toBe('SALES:PUBLIC:ORDERS');
    expect(nameKey(['analytics-prod', 'my schema', 'T$1.v2@eu'])).toBe('analytics-prod:my schema:T$1.v2@eu');
    expect(nameKey(['a/b'])).toMatch(/^~[0-9a-f]{64}$/);
  });

  it('refuse a path deeper than five levels, which could not fit', () => {
    expect(nameKey(Array(5).fill('x'.repeat(255))).length).toBeLessThanOrEqual(MAX_KEY_CHARS);
    expect(() => nameKey(Array(6).fill('x'))).toThrow(RangeError);
    expect(() => nameKey([])).toThrow(RangeError);
  });
});
