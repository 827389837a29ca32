import { describe, expect, it } from 'vitest';
import { sliceRanges } from '../../../shared/connectors/table-range.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `t${String(i).padStart(4, '0')}`);

describe('sliceRanges', () => {
  it('cuts nothing when one range holds every name', () => {
    expect(sliceRanges(names(500), 500)).toEqual([]);
    expect(sliceRanges([], 500)).toEqual([]);
  });

  it('cuts 1,200 names into 3 ranges bounded by the first name of the next, open at both ends', () => {
    expect(sliceRanges(names(1200), 500)).toEqual([
      { below: 't0500' },
      { from: 't0500', below: 't1000' },
      { from: 't1000' },
    ]);
  });

  it('puts every listed name in exactly one range, and at most `max` in each', () => {
    for (const [n, max] of [
      [501, 500],
      [1000, 500],
      [1001, 10],
      [37, 12],
    ] as const) {
      const all = names(n);
      const ranges = sliceRanges(all, max);
      for (const name of all) {
        const holding = ranges.filter(
          (r) => (r.from === undefined || name >= r.from) && (r.below === undefined || name < r.below),
        );
        expect(holding).toHaveLength(1);
      }
      for (const r of ranges)
        expect(
          all.filter((x) => (r.from === undefined || x >= r.from) && (r.below === undefined || x < r.below)).length,
        ).toBeLessThanOrEqual(max);
    }
  });
});
