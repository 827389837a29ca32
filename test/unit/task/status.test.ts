import { describe, expect, it } from 'vitest';
import { canTransition, deriveTaskStatus, isTerminal } from '../../../shared/task/status.js';

describe('task status machine', () => {
  it('moves NEW -> WAITING -> INPROGRESS -> a terminal status, and terminal states are final', () => {
    expect(canTransition('NEW', 'WAITING')).toBe(true);
    expect(canTransition('WAITING', 'INPROGRESS')).toBe(true);
    expect(canTransition('INPROGRESS', 'SUCCESS')).toBe(true);
    expect(canTransition('NEW', 'INPROGRESS')).toBe(false);
    expect(canTransition('WAITING', 'SUCCESS')).toBe(false);
    for (const s of ['SUCCESS', 'FAILED', 'SKIPPED'] as const) {
      expect(isTerminal(s)).toBe(true);
      expect(canTransition(s, 'WAITING')).toBe(false);
    }
  });

  it('derives the task status from its resources', () => {
    expect(deriveTaskStatus([{ status: 'SKIPPED' }, { status: 'SKIPPED' }])).toBe('SKIPPED');
    expect(deriveTaskStatus([{ status: 'SUCCESS' }, { status: 'FAILED' }, { status: 'SKIPPED' }])).toBe('FAILED');
    expect(deriveTaskStatus([{ status: 'SUCCESS' }, { status: 'SKIPPED' }])).toBe('SUCCESS');
  });
});
