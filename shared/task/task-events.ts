import { EventEmitter } from 'node:events';

/**
 * In-process notice that a task reached a terminal status, so a waiting request in the same instance wakes at
 * once instead of at its next poll. Across instances there is no notice and the poll's backoff does the work.
 */
const emitter = new EventEmitter();
emitter.setMaxListeners(0);

export const announceTerminal = (taskId: string) => { emitter.emit(taskId); };

export function onTerminal(taskId: string, listener: () => void): () => void {
  emitter.once(taskId, listener);
  return () => { emitter.off(taskId, listener); };
}
