import { EventEmitter } from 'node:events';

/**
 * In-process notices: a task reached a terminal status (a waiting request wakes at once instead of at its next
 * poll), and a task was put on the queue (a queue poller in the same process looks at once). Across instances
 * there is no notice and the polls' backoff does the work.
 */
const emitter = new EventEmitter();
emitter.setMaxListeners(0);

export const announceTerminal = (taskId: string) => {
  emitter.emit(taskId);
};

export function onTerminal(taskId: string, listener: () => void): () => void {
  emitter.once(taskId, listener);
  return () => {
    emitter.off(taskId, listener);
  };
}

const ENQUEUED = Symbol('enqueued');

export const announceEnqueued = () => {
  emitter.emit(ENQUEUED);
};

export function onEnqueued(listener: () => void): () => void {
  emitter.on(ENQUEUED, listener);
  return () => {
    emitter.off(ENQUEUED, listener);
  };
}
