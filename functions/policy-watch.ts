import type { InvocationContext, Timer, TimerFunctionOptions } from '@azure/functions';
import { watchPolicies } from '../shared/intake/policy-watch.js';
import { appServices, contextLog } from './services.js';

/** The policy watcher (POLICY_POLL_SECONDS): policy changes and validity boundaries become POLICY_CHANGE tasks. */
export function policyWatchFunction(schedule: string): TimerFunctionOptions {
  return {
    schedule,
    handler: async (_timer: Timer, context: InvocationContext) => {
      const s = await appServices();
      const log = contextLog(context);
      const outcome = await watchPolicies(
        {
          intake: { store: s.store, queue: s.queue, warehouse: s.config.warehouse.module, instance: s.config.instance },
          snapshots: s.snapshots,
          policies: s.policies,
          connector: s.connector,
          profile: s.profile,
          log,
        },
        new Date(),
      );
      if (outcome.kind === 'baseline' || outcome.changed || outcome.boundaries > 0)
        log('info', 'policy watcher tick', { ...outcome });
    },
  };
}
