import { describe, expect, it } from 'vitest';
import { parsePolicies } from '../../../shared/policy/index.js';
import { validityBoundaries } from '../../../shared/policy/validity-boundaries.js';

const snapshot = parsePolicies({
  policies: [
    {
      id: 1,
      resources: { database: { values: ['SALES'] } },
      validitySchedules: [{ startTime: '2026/03/01 09:00:00', endTime: '2026/03/01 17:00:00' }],
    },
    {
      id: 2,
      resources: { database: { values: ['HR'] } },
      validitySchedules: [{ startTime: '2026/03/01 10:00:00', endTime: '2026/03/01 17:00:00', timeZone: '+01:00' }],
    },
    {
      id: 3,
      isEnabled: false,
      resources: { database: { values: ['OLD'] } },
      validitySchedules: [{ endTime: '2026/03/01 12:00:00' }],
    },
  ],
});
const at = (iso: string) => new Date(iso);
const ids = (after: string, upTo: string) =>
  validityBoundaries(snapshot, at(after), at(upTo)).map((b) => [b.at.toISOString(), b.policies.map((p) => p.id)]);

describe('validityBoundaries', () => {
  it('finds every start and end passed in (after, upTo], grouping policies that cross at the same instant', () => {
    expect(ids('2026-03-01T08:59:30Z', '2026-03-01T09:00:00Z')).toEqual([['2026-03-01T09:00:00.000Z', [1, 2]]]);
    expect(ids('2026-03-01T15:59:59Z', '2026-03-01T16:00:00Z')).toEqual([['2026-03-01T16:00:00.000Z', [2]]]);
    expect(ids('2026-03-01T16:30:00Z', '2026-03-01T17:00:30Z')).toEqual([['2026-03-01T17:00:00.000Z', [1]]]);
  });

  it('does not find a boundary twice: the window is open at its start', () => {
    expect(ids('2026-03-01T09:00:00Z', '2026-03-01T09:00:30Z')).toEqual([]);
  });

  it('lists every boundary a long gap passed, earliest first, and ignores disabled policies', () => {
    expect(ids('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z').map(([t]) => t)).toEqual([
      '2026-03-01T09:00:00.000Z',
      '2026-03-01T16:00:00.000Z',
      '2026-03-01T17:00:00.000Z',
    ]);
  });
});
