import { describe, expect, it } from 'vitest';
import type { DesiredGrant } from '../../../shared/plan/desired.js';
import { MAX_PROPERTY_CHARS } from '../../../shared/store/fit.js';
import { needChunks } from '../../../shared/store/unit-needs.js';

const grant = (i: number, reason = 'parent of SALES.PUBLIC.ORDERS'): DesiredGrant => ({
  securable: { kind: 'database', path: ['SALES'] },
  principal: { kind: 'role', name: `READER_${i}` },
  privilege: 'USAGE',
  reason,
});

describe('needChunks', () => {
  it('keeps every grant of 5,000 principals, each chunk within one string property', () => {
    const grants = Array.from({ length: 5_000 }, (_, i) => grant(i));
    const chunks = needChunks(grants);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(MAX_PROPERTY_CHARS);
    expect(chunks.flatMap((c) => JSON.parse(c) as DesiredGrant[])).toEqual(grants);
  });

  it('cuts a reason that names thousands of children, never the grant', () => {
    const long = Array.from({ length: 2_000 }, (_, i) => `parent of S.T${i}`).join(', ');
    const [chunk] = needChunks([grant(1, long)]);
    const [stored] = JSON.parse(chunk!) as DesiredGrant[];
    expect(stored!.reason.length).toBeLessThanOrEqual(200);
    expect({ ...stored, reason: '' }).toEqual({ ...grant(1), reason: '' });
  });
});
