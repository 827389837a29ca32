import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isMadeFor,
  isOursOfUnknownTarget,
  type Marker,
  markerComment,
  parseMarker,
} from '../../../shared/plan/masking/marker.js';

const name = fc.string({
  unit: fc.constantFrom('a', 'Z', '$', '_', '.', '"', "'", '\\', '`', ' ', 'é', '𝔘', '}', ','),
  minLength: 1,
  maxLength: 12,
});
const target = fc.oneof(
  fc.record({
    kind: fc.constant('mask' as const),
    table: fc.array(name, { minLength: 3, maxLength: 3 }),
    column: name,
  }),
  fc.record({ kind: fc.constant('filter' as const), table: fc.array(name, { minLength: 3, maxLength: 3 }) }),
);
const marker = fc.record({
  ids: fc.array(fc.nat()),
  version: fc.string(),
  hash: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 16 }),
  target,
});

describe('the ownership marker', () => {
  it('reads back exactly what it wrote, whatever the names of its target', () => {
    fc.assert(
      fc.property(marker, (m: Marker) => {
        expect(parseMarker(markerComment(m))).toEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  it("reads an earlier version's marker as ours of unknown target, never as made for a target", () => {
    const old = parseMarker('policysync:{"ids":[3],"version":"7","hash":"abc"}');
    expect(old).toEqual({ ids: [3], version: '7', hash: 'abc' });
    const p = { kind: 'mask', marker: old };
    expect(isOursOfUnknownTarget(p)).toBe(true);
    expect(isMadeFor(p, { kind: 'mask', table: ['D', 'S', 'T'], column: 'C' })).toBe(false);
  });

  it('takes a target it cannot read for no target at all', () => {
    for (const bad of [
      '{"kind":"mask","table":["D","S","T"]}',
      '{"kind":"filter","table":["D"],"column":"C"}',
      '{"kind":"drop","table":["D"]}',
      '"D.S.T"',
    ]) {
      expect(parseMarker(`policysync:{"ids":[],"version":"","hash":"h","target":${bad}}`)).toEqual({
        ids: [],
        version: '',
        hash: 'h',
      });
    }
  });

  it('is no marker on a comment we did not write', () => {
    for (const c of [null, 42, 'a comment', 'policysync:', 'policysync:{"ids":[]}', 'policysync:not json'])
      expect(parseMarker(c)).toBeNull();
  });

  it('makes an object ours only for the exact target it names', () => {
    const t = { kind: 'mask' as const, table: ['D', 'S', 'T'], column: 'C' };
    const p = { kind: 'mask', marker: { ids: [], version: '', hash: 'h', target: t } };
    expect(isMadeFor(p, t)).toBe(true);
    for (const other of [
      { ...t, column: 'c' },
      { ...t, table: ['D', 'S$T', ''] },
      { ...t, table: ['D', 'S', 'T', 'C'] },
      { kind: 'filter' as const, table: t.table },
    ]) {
      expect(isMadeFor(p, other)).toBe(false);
    }
    expect(isMadeFor({ ...p, kind: 'filter' }, t)).toBe(false);
    expect(isMadeFor({ kind: 'mask', marker: null }, t)).toBe(false);
  });
});
