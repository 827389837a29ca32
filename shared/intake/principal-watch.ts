import { createHash } from 'node:crypto';
import { changedPrincipals } from '../principals/principal-changes.js';
import type { PrincipalSource, UserStoreSnapshot } from '../principals/user-store.js';
import { MAX_RESOURCES_PER_TASK } from '../task/request.js';
import { createTask, type IntakeDeps } from './create-task.js';

/**
 * Turns a change in Ranger's principals into PRINCIPAL_SYNC tasks (source PRINCIPAL_CHANGE) for exactly the groups
 * and roles that changed. It compares each read with the one before it in this process: the first read after a
 * start is the baseline and creates nothing (what changed while nothing watched is the scheduled sync's to catch).
 * A task is keyed by the change it carries, so two instances watching the same Ranger create it once.
 */
export class PrincipalWatch {
  private last: UserStoreSnapshot | undefined;

  constructor(
    private readonly deps: IntakeDeps,
    private readonly source: PrincipalSource,
  ) {}

  /** Reads the principals once; returns the ids of the tasks it created (none when nothing changed). */
  async poll(): Promise<string[]> {
    const current = await this.source.current();
    const before = this.last;
    this.last = current;
    if (!before || current === before) return [];
    const changed = changedPrincipals(before.store, current.store);
    const taskIds: string[] = [];
    for (let i = 0; i < changed.length; i += MAX_RESOURCES_PER_TASK) {
      const principals = changed.slice(i, i + MAX_RESOURCES_PER_TASK);
      // Ranger's versions name a change once and for all; a file has none, so its read time does (a change undone
      // and made again is a new change).
      const versions =
        before.version !== null && current.version !== null ? [before.version, current.version] : [current.loadedAt];
      const change = createHash('sha256')
        .update(JSON.stringify([versions, principals]))
        .digest('hex');
      const { task } = await createTask(
        this.deps,
        { request: { type: 'PRINCIPAL_SYNC', source: 'PRINCIPAL_CHANGE', requestInfo: { principals } } },
        { source: 'PRINCIPAL_CHANGE', idempotencyKey: `principal-change:${change.slice(0, 32)}` },
      );
      taskIds.push(task.header.taskId);
    }
    return taskIds;
  }
}
