import type { InvocationContext, Timer, TimerFunctionOptions } from '@azure/functions';
import { PrincipalWatch } from '../shared/intake/principal-watch.js';
import { appConfig, appServices, contextLog } from './services.js';

let watch: PrincipalWatch | undefined;

/** PRINCIPAL_WATCH_SCHEDULE: a change in Ranger's principals becomes a PRINCIPAL_SYNC of what changed. */
export function principalWatchFunction(schedule: string): TimerFunctionOptions {
  return {
    schedule,
    handler: async (_timer: Timer, context: InvocationContext) => {
      const s = await appServices();
      const source = s.principals.source;
      if (!source) {
        contextLog(context)('warn', 'PRINCIPAL_WATCH_SCHEDULE is set but no source of principals is configured', {});
        return;
      }
      // One watcher per process: it remembers the last read to compare the next one with.
      watch ??= new PrincipalWatch(
        { store: s.store, queue: s.queue, warehouse: appConfig().warehouse.module, instance: s.config.instance },
        source,
      );
      const taskIds = await watch.poll();
      if (taskIds.length > 0) contextLog(context)('info', 'principal changes became tasks', { taskIds });
    },
  };
}
