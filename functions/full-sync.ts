import type { InvocationContext, Timer, TimerFunctionOptions } from '@azure/functions';
import { startFullSync } from '../shared/intake/full-sync.js';
import { appConfig, appServices, contextLog } from './services.js';

/** The scheduled full sync (FULL_SYNC_ENABLED): one SCHEDULE task over every database or catalog. */
export function fullSyncFunction(): TimerFunctionOptions {
  return {
    schedule: appConfig().fullSyncSchedule,
    handler: async (_timer: Timer, context: InvocationContext) => {
      const s = await appServices();
      // The minute this occurrence fired in names it, so a second firing for the same occurrence starts nothing.
      const scheduledAt = new Date();
      scheduledAt.setUTCSeconds(0, 0);
      const taskIds = await startFullSync(
        { store: s.store, queue: s.queue, warehouse: s.config.warehouse.module, instance: s.config.instance },
        s.connector,
        scheduledAt,
      );
      contextLog(context)('info', 'scheduled full sync started', { taskIds });
    },
  };
}
