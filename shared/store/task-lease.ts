import type { TaskHeader } from './records.js';

/**
 * A task's lease: while `leaseUntil` is in the future, the worker that claimed the task holds it and no other
 * worker, and no sweeper, takes it over. Only TaskStore's lifecycle methods (claim, renew, release) write it.
 */
export const leaseEnd = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

/** Whether another worker holds the task at `now`. */
export const isLeaseLive = (h: Pick<TaskHeader, 'status' | 'leaseUntil'>, now: Date) =>
  h.status === 'INPROGRESS' && h.leaseUntil !== undefined && new Date(h.leaseUntil) > now;

/** A lease is renewed once half of it is used, so a live worker's task is never taken over. */
export const needsRenewal = (h: Pick<TaskHeader, 'leaseUntil'>, now: Date, seconds: number) =>
  (h.leaseUntil ? new Date(h.leaseUntil).getTime() : 0) - now.getTime() <= (seconds * 1000) / 2;
