import type { TaskHeader } from './records.js';

/**
 * A task's lease: while `leaseUntil` is in the future, the worker that claimed the task holds it and no other
 * worker, and no sweeper, takes it over. TaskStore's claim takes it; the attempt's LeaseKeeper (sync/lease-keeper.ts) renews it in the background.
 */
export const leaseEnd = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

/** Whether another worker holds the task at `now`. */
export const isLeaseLive = (h: Pick<TaskHeader, 'status' | 'leaseUntil'>, now: Date) =>
  h.status === 'INPROGRESS' && h.leaseUntil !== undefined && new Date(h.leaseUntil) > now;
