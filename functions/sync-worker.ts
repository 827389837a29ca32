import type { InvocationContext, StorageQueueFunctionOptions } from '@azure/functions';
import { SyncMessageSchema } from '../shared/store/dispatch-queue.js';
import { runTask } from '../shared/sync/worker.js';
import { appConfig, appServices, contextLog } from './services.js';

/** host.json `extensions.queues.maxDequeueCount`: the delivery after which the host poisons the message. */
export const MAX_DEQUEUE_COUNT = 5;

export function syncWorkerFunction(): StorageQueueFunctionOptions {
  return {
    queueName: appConfig().syncQueue,
    connection: 'AzureWebJobsStorage',
    handler: async (message: unknown, context: InvocationContext) => {
      const log = contextLog(context);
      const parsed = SyncMessageSchema.safeParse(message);
      if (!parsed.success) {
        log('warn', 'sync queue message is not {taskId}; dropping it', { issues: parsed.error.issues.length });
        return;
      }
      const s = await appServices();
      const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
      const outcome = await runTask(
        parsed.data.taskId,
        {
          store: s.store,
          connector: s.connector,
          profile: s.profile,
          scope: s.scope,
          policies: s.policies,
          principals: s.principals,
          leaseSeconds: s.config.leaseSeconds,
          log,
          coalescing: { states: s.states, queue: s.queue },
        },
        dequeueCount >= MAX_DEQUEUE_COUNT,
      );
      log('info', 'sync delivery handled', { taskId: parsed.data.taskId, outcome, dequeueCount });
    },
  };
}
