import type { InvocationContext, Timer, TimerFunctionOptions } from '@azure/functions';
import { startPrincipalSync } from '../shared/intake/principal-schedule.js';
import { appConfig, appServices, contextLog } from './services.js';

/** The scheduled principal sync (PRINCIPAL_SYNC_SCHEDULE): one SCHEDULE task over every Ranger group and role. */
export function principalSyncFunction(schedule: string): TimerFunctionOptions {
  return {
    schedule,
    handler: async (_timer: Timer, context: InvocationContext) => {
      const s = await appServices();
      // The minute this occurrence fired in names it, so a second firing for the same occurrence starts nothing.
      const scheduledAt = new Date();
      scheduledAt.setUTCSeconds(0, 0);
      const taskId = await startPrincipalSync(
        { store: s.store, queue: s.queue, warehouse: appConfig().warehouse.module, instance: s.config.instance },
        scheduledAt,
      );
      contextLog(context)('info', 'scheduled principal sync started', { taskId });
    },
  };
}
