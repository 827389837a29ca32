import { type UnitRow, unitKey } from '../../shared/store/unit-store.js';

/** `count` units of resource 0, one schema `S<n>` each, written at `at`; `patch` sets what a test cares about. */
export const schemaUnits = (count: number, at: Date, patch: Partial<UnitRow> = {}): UnitRow[] =>
  Array.from({ length: count }, (_, n) => ({
    key: unitKey(0, n),
    resourceIndex: 0,
    ref: { type: 'schema', values: { database: 'D', schema: `S${n}` } },
    status: 'PENDING',
    attempt: 0,
    message: '',
    updatedAt: at.toISOString(),
    ...patch,
  }));
