import { z } from 'zod';

export const CHECK_STATUSES = ['OK', 'WARN', 'FAIL'] as const;

/** One finding of `policysync doctor`: what was checked, how it went, and what to do about it. */
export const CheckSchema = z.object({
  name: z.string(),
  status: z.enum(CHECK_STATUSES),
  detail: z.string(),
  fix: z.string().optional(),
});
export type Check = z.infer<typeof CheckSchema>;

export const DoctorReportSchema = z.object({
  status: z.enum(CHECK_STATUSES),
  checks: z.array(CheckSchema),
});
export type DoctorReport = z.infer<typeof DoctorReportSchema>;

export const ok = (name: string, detail: string): Check => ({ name, status: 'OK', detail });
export const warn = (name: string, detail: string, fix: string): Check => ({ name, status: 'WARN', detail, fix });
export const fail = (name: string, detail: string, fix: string): Check => ({ name, status: 'FAIL', detail, fix });

/** The report's status is its worst check's. */
export function report(checks: Check[]): DoctorReport {
  const rank = (c: Check) => CHECK_STATUSES.indexOf(c.status);
  const worst = checks.reduce((w, c) => Math.max(w, rank(c)), 0);
  return { status: CHECK_STATUSES[worst]!, checks };
}
