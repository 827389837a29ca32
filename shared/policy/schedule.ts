/** The parts of a RangerValiditySchedule that bound it in time (recurrences are not modelled). */
export interface ScheduleWindow { startTime?: string | undefined; endTime?: string | undefined; timeZone?: string | undefined }

/**
 * RangerValidityScheduleEvaluator: a policy with validity schedules applies only while at least one schedule covers
 * the access time. Times are `yyyy/MM/dd HH:mm:ss` in the schedule's timeZone (UTC when absent; fixed offsets such
 * as `+05:30` and `GMT-08:00` are understood). A missing start or end leaves that side open.
 */
export function isInEffect(schedules: ScheduleWindow[], now: Date): boolean {
  if (schedules.length === 0) return true;
  const at = now.getTime();
  return schedules.some((s) => {
    const start = s.startTime ? scheduleTime(s.startTime, s.timeZone) : -Infinity;
    const end = s.endTime ? scheduleTime(s.endTime, s.timeZone) : Infinity;
    return at >= start && at < end;
  });
}

/** True when no schedule can ever apply again after `now` (all ended): such a policy is dead, not merely conditional. */
export function hasExpired(schedules: ScheduleWindow[], now: Date): boolean {
  return schedules.length > 0 && schedules.every((s) => s.endTime !== undefined && scheduleTime(s.endTime, s.timeZone) <= now.getTime());
}

export function scheduleTime(text: string, timeZone: string | undefined): number {
  const m = /^(\d{4})\/(\d{2})\/(\d{2})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) {
    const parsed = Date.parse(text);
    return Number.isNaN(parsed) ? NaN : parsed;
  }
  const [, y, mo, d, h = '0', mi = '0', sec = '0'] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  return utc - offsetMinutes(timeZone) * 60_000;
}

function offsetMinutes(timeZone: string | undefined): number {
  if (!timeZone) return 0;
  const m = /^(?:GMT|UTC)?\s*([+-])(\d{1,2}):?(\d{2})?$/i.exec(timeZone.trim());
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}
