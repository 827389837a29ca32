/** The parts of a RangerValiditySchedule that bound it in time (recurrences are not modelled). */
export interface ScheduleWindow {
  startTime?: string | undefined;
  endTime?: string | undefined;
  timeZone?: string | undefined;
}

/**
 * RangerValidityScheduleEvaluator: a policy with validity schedules applies only while at least one schedule covers
 * the access time. Times are `yyyy/MM/dd HH:mm:ss` in the schedule's timeZone (UTC when absent; fixed offsets such
 * as `+05:30` and IANA names such as `America/Los_Angeles`). A missing start or end leaves that side open.
 * Recurrences are not modelled: a recurring schedule applies throughout its start..end window.
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

/**
 * Whether a scheduled policy is over for good: every schedule has an end, and every end has passed. A time that
 * does not parse is never over.
 */
export function hasEnded(schedules: ScheduleWindow[], now: Date): boolean {
  return (
    schedules.length > 0 &&
    schedules.every(
      (s) => s.endTime !== undefined && s.endTime !== '' && scheduleTime(s.endTime, s.timeZone) <= now.getTime(),
    )
  );
}

export function scheduleTime(text: string, timeZone: string | undefined): number {
  const m = /^(\d{4})\/(\d{2})\/(\d{2})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) {
    const parsed = Date.parse(text);
    return Number.isNaN(parsed) ? NaN : parsed;
  }
  const [, y, mo, d, h = '0', mi = '0', sec = '0'] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  return utc - offsetMinutes(timeZone, utc) * 60_000;
}

/** The zone's offset from UTC in minutes: fixed offsets (`+05:30`, `GMT-08:00`) or IANA names (`Europe/Berlin`). */
function offsetMinutes(timeZone: string | undefined, around: number): number {
  if (!timeZone || /^(UTC|GMT|Z)$/i.test(timeZone.trim())) return 0;
  const fixed = /^(?:GMT|UTC)?\s*([+-])(\d{1,2}):?(\d{2})?$/i.exec(timeZone.trim());
  if (fixed) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3] ?? 0);
    return fixed[1] === '-' ? -minutes : minutes;
  }
  try {
    // The wall-clock time the zone shows at `around`, read back as if it were UTC, minus `around`, is the offset.
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })
        .formatToParts(new Date(around))
        .map((p) => [p.type, p.value]),
    );
    const shown = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    );
    return Math.round((shown - around) / 60_000);
  } catch {
    return 0; // an unknown zone name: Ranger falls back to the JVM default, we to UTC
  }
}
