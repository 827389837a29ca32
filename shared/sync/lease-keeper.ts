/**
 * Holds one attempt's lease on a row (a task's header or a unit) while the attempt runs: renews it in the background
 * every third of the lease, not only between resources, together with the resource locks the attempt took; runs
 * every write of the row one after another, so each uses the ETag the previous one returned; and aborts `signal` as
 * soon as a write finds the lease taken over, or a renewal could not be made before the lease ran out. After that it
 * writes nothing: the attempt's results belong to whoever holds the row now.
 */
export class LeaseKeeper<T> {
  private held: T;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly aborted = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly locks = new Set<() => Promise<boolean>>();
  private validUntil: number;
  private readonly intervalMs: number;

  /** `renew`: writes the row with a later lease end; undefined when the row changed (the lease is someone else's). */
  constructor(
    held: T,
    private readonly renew: (held: T) => Promise<T | undefined>,
    private readonly leaseMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.held = held;
    this.validUntil = clock() + leaseMs;
    this.intervalMs = Math.max(10, Math.floor(leaseMs / 3));
    this.timer = setInterval(() => void this.renewAll(), this.intervalMs);
    this.timer.unref();
  }

  get current(): T {
    return this.held;
  }

  get signal(): AbortSignal {
    return this.aborted.signal;
  }

  get lost(): boolean {
    return this.aborted.signal.aborted;
  }

  /**
   * A resource lock renewed with the row; `renew` says false when the lock was lost. Returns what stops renewing it,
   * resolved once no renewal of it is under way (so the lock can then be released with the ETag it has).
   */
  keepLock(renew: () => Promise<boolean>): () => Promise<void> {
    this.locks.add(renew);
    return async () => {
      this.locks.delete(renew);
      await this.chain;
    };
  }

  /** Runs a guarded write of the row after the ones before it; undefined, and the attempt aborted, when the lease is gone. */
  write(op: (held: T) => Promise<T | undefined>): Promise<T | undefined> {
    return this.serial(async () => {
      if (this.lost) return undefined;
      const next = await op(this.held);
      if (next === undefined) this.lose('the lease was taken over');
      else {
        this.held = next;
        this.validUntil = this.clock() + this.leaseMs;
      }
      return next;
    });
  }

  private serial<R>(op: () => Promise<R>): Promise<R> {
    const run = this.chain.then(op);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Stops renewing; waits for a renewal under way, so the row's ETag is settled for the attempt's last write. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.chain;
  }

  private async renewAll(): Promise<void> {
    try {
      await this.write(this.renew);
      await this.serial(async () => {
        for (const lock of [...this.locks])
          if (!this.lost && !(await lock())) this.lose('a resource lock was taken over');
      });
    } catch {
      // Storage may come back before the lease ends; when the next try would come too late, nobody can tell whether
      // it is still ours by then.
      if (this.clock() + this.intervalMs >= this.validUntil) this.lose('the lease could not be renewed in time');
    }
  }

  private lose(reason: string): void {
    if (!this.lost) this.aborted.abort(new Error(reason));
  }
}
