import type { TableClient, TransactionAction } from '@azure/data-tables';
import { statusCodeOf } from './errors.js';
import type { ResourceRow } from './records.js';
import { guard, type StoredTask, toHeaderEntity, toResourceEntity } from './task-store.js';

/**
 * A resource's result and the task header in one entity-group transaction (one partition), the header guarded by
 * the ETag the writer's lease was last written with: a worker whose lease was taken over meanwhile writes nothing
 * and gets undefined, so it can never overwrite the outcome of the attempt that holds the task now.
 */
export async function writeResourceUnderLease(
  table: TableClient,
  lease: StoredTask,
  next: StoredTask['header'],
  row: ResourceRow,
): Promise<StoredTask | undefined> {
  const actions: TransactionAction[] = [
    ['update', toHeaderEntity(next), 'Replace', { etag: lease.etag }],
    ['upsert', toResourceEntity(next.taskId, row), 'Replace'],
  ];
  return guard(async () => {
    try {
      const answer = await table.submitTransaction(actions);
      // Sub-responses come in the order of the actions: the header's is the first.
      return { header: next, etag: answer.subResponses[0]?.etag ?? '' };
    } catch (err) {
      if (statusCodeOf(err) === 412) return undefined;
      throw err;
    }
  });
}
