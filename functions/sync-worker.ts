import type { InvocationContext, StorageQueueFunctionOptions } from '@azure/functions';
import { SyncMessageSchema } from '../shared/store/dispatch-queue.js';
import { runDelivery } from '../shared/sync/worker.js';
import { recordQueueAge } from '../shared/telemetry/task-telemetry.js';
import { appConfig, appServices, contextLog } from './services.js';

export function syncWorkerFunction(): StorageQueueFunctionOptions {
  return {
    queueName: appConfig().syncQueue,
    connection: 'AzureWebJobsStorage',
    handler: async (message: unknown, context: InvocationContext) => {
      const log = contextLog(context);
      recordQueueAge(context.triggerMetadata?.insertionTime);
      const parsed = SyncMessageSchema.safeParse(message);
      if (!parsed.success) {
        log('warn', 'sync queue message is not {taskId}, {taskId, unit} or {taskId, more}; dropping it', {
          issues: parsed.error.issues.length,
        });
        return;
      }
      const s = await appServices();
      const outcome = await runDelivery(parsed.data, {
        store: s.store,
        connector: s.connector,
        profile: s.profile,
        scope: s.scope,
        policies: s.policies,
        principals: s.principals,
        leaseSeconds: s.config.leaseSeconds,
        maxAttempts: s.config.maxAttempts,
        unitMaxTables: s.config.unitMaxTables,
        queue: s.queue,
        log,
        coalescing: { states: s.states, queue: s.queue },
      });
      log('info', 'sync delivery handled', {
        taskId: parsed.data.taskId,
        ...(parsed.data.unit ? { unit: parsed.data.unit } : {}),
        outcome,
        dequeueCount: Number(context.triggerMetadata?.dequeueCount ?? 1),
      });
    },
  };
}
