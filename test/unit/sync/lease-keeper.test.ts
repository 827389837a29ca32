import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaseKeeper } from '../../../shared/sync/lease-keeper.js';

/** A row guarded by a version, as Table Storage guards one by its ETag. */
class Row {
  version = 0;
  writes = 0;
  write(held: { version: number }): { version: number } | undefined {
    if (held.version !== this.version) return undefined;
    this.writes++;
    return { version: ++this.version };
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a lease keeper', () => {
  it('renews the lease every third of it while the attempt runs, each write with the version the last one left', async () => {
    const row = new Row();
    const keeper = new LeaseKeeper(
      { version: 0 },
      async (h) => row.write(h),
      30_000,
      () => Date.now(),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(row.writes).toBe(1);
    await keeper.write(async (h) => row.write(h));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(row.writes).toBe(4);
    expect(keeper.lost).toBe(false);
    await keeper.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(row.writes).toBe(4);
  });

  it('aborts the attempt when a renewal finds the row taken over, and writes nothing after that', async () => {
    const row = new Row();
    const keeper = new LeaseKeeper(
      { version: 0 },
      async (h) => row.write(h),
      30_000,
      () => Date.now(),
    );
    row.version = 7; // another attempt took the row
    await vi.advanceTimersByTimeAsync(10_000);
    expect(keeper.signal.aborted).toBe(true);
    const op = vi.fn(async (h: { version: number }) => row.write(h));
    expect(await keeper.write(op)).toBeUndefined();
    expect(op).not.toHaveBeenCalled();
    await keeper.stop();
  });

  it('aborts when a resource lock it renews was lost', async () => {
    const row = new Row();
    const keeper = new LeaseKeeper(
      { version: 0 },
      async (h) => row.write(h),
      30_000,
      () => Date.now(),
    );
    keeper.keepLock(async () => false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(keeper.lost).toBe(true);
    await keeper.stop();
  });

  it('keeps going through a failed renewal while another try fits in the lease, and aborts when none does', async () => {
    let failing = true;
    const row = new Row();
    const keeper = new LeaseKeeper(
      { version: 0 },
      async (h) => {
        if (failing) throw new Error('storage unavailable');
        return row.write(h);
      },
      30_000,
      () => Date.now(),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(keeper.lost).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(keeper.lost).toBe(true);
    failing = false;
    await keeper.stop();
  });
});
