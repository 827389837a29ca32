import { describe, expect, it } from 'vitest';
import { isInEffect, scheduleTime } from '../../../shared/policy/schedule.js';

describe('validity schedules', () => {
  it('reads Ranger schedule times in the schedule time zone', () => {
    expect(scheduleTime('2026/01/01 00:00:00', undefined)).toBe(Date.UTC(2026, 0, 1));
    expect(scheduleTime('2026/01/01 05:30:00', '+05:30')).toBe(Date.UTC(2026, 0, 1));
    expect(scheduleTime('2026/01/01 00:00:00', 'GMT-08:00')).toBe(Date.UTC(2026, 0, 1, 8));
    expect(scheduleTime('2026/01/01 00:00:00', 'America/Los_Angeles')).toBe(Date.UTC(2026, 0, 1, 8));
    expect(scheduleTime('2026/07/01 00:00:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 5, 30, 22));
  });

  it('a policy applies while any schedule covers the time; open ends stay open', () => {
    const schedules = [
      { startTime: '2026/01/01 00:00:00', endTime: '2026/02/01 00:00:00' },
      { startTime: '2026/06/01 00:00:00' },
    ];
    expect(isInEffect(schedules, new Date('2026-01-15T00:00:00Z'))).toBe(true);
    expect(isInEffect(schedules, new Date('2026-03-01T00:00:00Z'))).toBe(false);
    expect(isInEffect(schedules, new Date('2030-01-01T00:00:00Z'))).toBe(true);
    expect(isInEffect([], new Date())).toBe(true);
  });
});
