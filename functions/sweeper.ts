import type { InvocationContext, TimerFunctionOptions } from '@azure/functions';
import { sweepStaleTasks } from '../shared/intake/sweep.js';
import { appConfig, appServices, contextLog } from './services.js';

/** Re-dispatches tasks that would otherwise never finish (see shared/intake/sweep.ts). */
export function sweeperFunction(): TimerFunctionOptions {
  return {
    schedule: appConfig().sweepSchedule,
    runOnStartup: false,
    handler: async (_timer: unknown, context: InvocationContext) => {
      const s = await appServices();
      await sweepStaleTasks(
        { store: s.store, queue: s.queue, log: contextLog(context), maxAttempts: s.config.maxAttempts },
        s.config.sweepGraceSeconds,
      );
    },
  };
}
