import type { TimerFunctionOptions } from '@azure/functions';
import { Cron } from 'croner';
import { type HostLog, invocationContext } from './invocation.js';

/** Runs a timer function on its NCRONTAB schedule (six fields, seconds first), as the Functions host does. */
export function startTimer(name: string, options: TimerFunctionOptions, log: HostLog): { stop(): void } {
  let last = new Date();
  const job = new Cron(options.schedule, { protect: true }, async () => {
    const now = new Date();
    const timer = {
      isPastDue: false,
      schedule: { adjustForDST: true },
      scheduleStatus: {
        last: last.toISOString(),
        next: job.nextRun()?.toISOString() ?? '',
        lastUpdated: now.toISOString(),
      },
    };
    last = now;
    try {
      await options.handler(timer, invocationContext(name, log));
    } catch (err) {
      log({ level: 'error', functionName: name, message: 'timer function failed', error: (err as Error).message });
    }
  });
  return { stop: () => job.stop() };
}
