import { randomInt } from 'node:crypto';

// 41 bits of milliseconds since 2020-01-01, 10 bits of per-process node id, 12 bits of sequence: sortable by
// creation time, unique within a process, and unlikely to collide across instances (the store's
// insert-if-absent catches the rest).
const EPOCH_MS = 1_577_836_800_000n;
const NODE_ID = BigInt(randomInt(1024));
let lastMs = 0n;
let sequence = 0n;

export function newTaskId(now: number = Date.now()): string {
  let ms = BigInt(now) - EPOCH_MS;
  if (ms <= lastMs) {
    ms = lastMs;
    sequence = (sequence + 1n) & 0xfffn;
    if (sequence === 0n) ms = lastMs + 1n; // sequence exhausted: borrow the next millisecond
  } else {
    sequence = 0n;
  }
  lastMs = ms;
  return ((ms << 22n) | (NODE_ID << 12n) | sequence).toString();
}

export const TASK_ID_PATTERN = /^[0-9]{1,20}$/;
