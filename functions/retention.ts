import type { InvocationContext, TimerFunctionOptions } from '@azure/functions';
import { deleteExpired } from '../shared/intake/retention.js';
import { appConfig, appServices, contextLog } from './services.js';

/** Deletes finished tasks, expired keys and idle resource states past TASK_RETENTION_DAYS (shared/intake/retention.ts). */
export function retentionFunction(): TimerFunctionOptions {
  return {
    schedule: appConfig().retentionSchedule,
    runOnStartup: false,
    handler: async (_timer: unknown, context: InvocationContext) => {
      const s = await appServices();
      await deleteExpired({ store: s.store, states: s.states, log: contextLog(context) }, s.config.retentionDays);
    },
  };
}
