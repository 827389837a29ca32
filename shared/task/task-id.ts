import { randomInt } from 'node:crypto';

// Milliseconds since 2020-01-01, 10 bits of per-process node id, 12 bits of sequence: sortable by creation time,
// unique within a process, and unlikely to collide across instances (the store's insert-if-absent catches the rest).
// The top bit of 64 marks a task stored in a shared partition (store/task-address.ts); ids made before it was set
// keep their partition of their own. The next bit marks a shared partition split by sequence as well; ids made before
// it keep their partition of one window. Each mark sorts an id after every id made before it. The milliseconds had 41
// bits and have 40 now: every id made before the second mark has that bit clear, and 40 bits last until November 2054.
const EPOCH_MS = 1_577_836_800_000n;
const SHARED_LAYOUT = 1n << 63n;
const GROUPED_LAYOUT = 1n << 62n;
const MS_LIMIT = 1n << 40n;
const ID_LIMIT = 1n << 64n;
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
  return idOf(ms, sequence);
}

/**
 * The id this process gives the `sequence`th task of the millisecond `at`, as it would have made it then: for tools
 * that write tasks of the past (a bench seeding a month of finished tasks), whose ids must say when they were made.
 */
export const taskIdAt = (at: number, sequence: number): string =>
  idOf(BigInt(at) - EPOCH_MS, BigInt(sequence) & 0xfffn);

function idOf(ms: bigint, sequence: bigint): string {
  if (ms < 0n || ms >= MS_LIMIT) throw new RangeError('task ids of this layout cover 2020-01-01 to November 2054');
  return (SHARED_LAYOUT | GROUPED_LAYOUT | (ms << 22n) | (NODE_ID << 12n) | sequence).toString();
}

export const TASK_ID_PATTERN = /^[0-9]{1,20}$/;

/** Whether the id is one of a task stored in a shared partition; any other string, a caller's included, is not. */
export function isSharedLayoutId(taskId: string): boolean {
  if (!TASK_ID_PATTERN.test(taskId)) return false;
  const n = BigInt(taskId);
  return n >= SHARED_LAYOUT && n < ID_LIMIT;
}

/** Whether the id is one of a task stored in a shared partition split by sequence (a shared-layout id made since). */
export const isGroupedLayoutId = (taskId: string): boolean =>
  isSharedLayoutId(taskId) && (BigInt(taskId) & GROUPED_LAYOUT) !== 0n;

/** The milliseconds since the epoch, the node and the sequence an id was made with. */
export function taskIdParts(taskId: string): { ms: bigint; node: bigint; sequence: bigint } {
  const n = BigInt(taskId) & (GROUPED_LAYOUT - 1n);
  return { ms: n >> 22n, node: (n >> 12n) & 0x3ffn, sequence: n & 0xfffn };
}
