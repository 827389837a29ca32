import type { PolicySnapshot, RangerPolicy } from './model.js';
import { scheduleTime } from './schedule.js';

/** An instant at which some policies start or stop applying. */
export interface ValidityBoundary {
  at: Date;
  policies: RangerPolicy[];
}

/**
 * Every start and end of an enabled policy's validity schedules in (`after`, `upTo`], earliest first, the policies
 * that cross each one grouped together. A grant from a time-limited policy must end when the policy says, not at the
 * next full sync; the clock is the caller's.
 */
export function validityBoundaries(snapshot: PolicySnapshot, after: Date, upTo: Date): ValidityBoundary[] {
  const byTime = new Map<number, RangerPolicy[]>();
  for (const policy of snapshot.policies) {
    if (!policy.isEnabled) continue;
    const times = new Set<number>();
    for (const s of policy.validitySchedules)
      for (const text of [s.startTime, s.endTime]) {
        if (!text) continue;
        const at = scheduleTime(text, s.timeZone);
        if (at > after.getTime() && at <= upTo.getTime()) times.add(at);
      }
    for (const at of times) byTime.set(at, [...(byTime.get(at) ?? []), policy]);
  }
  return [...byTime].sort(([a], [b]) => a - b).map(([at, policies]) => ({ at: new Date(at), policies }));
}
