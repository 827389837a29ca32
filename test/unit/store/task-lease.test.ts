import { describe, expect, it } from 'vitest';
import { isLeaseLive, leaseEnd } from '../../../shared/store/task-lease.js';

const now = new Date('2026-12-06T10:00:00Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

describe('a task lease', () => {
  it('ends leaseSeconds after it is taken', () => {
    expect(leaseEnd(now, 300)).toBe(at(300));
  });

  it('is held by another worker only while the task is INPROGRESS and the lease is in the future', () => {
    expect(isLeaseLive({ status: 'INPROGRESS', leaseUntil: at(1) }, now)).toBe(true);
    expect(isLeaseLive({ status: 'INPROGRESS', leaseUntil: at(0) }, now)).toBe(false);
    expect(isLeaseLive({ status: 'INPROGRESS' }, now)).toBe(false);
    expect(isLeaseLive({ status: 'WAITING', leaseUntil: at(60) }, now)).toBe(false);
  });
});
