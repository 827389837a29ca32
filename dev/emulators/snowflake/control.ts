import type { Account } from './account.js';
import { parseQualifiedName } from './qualified-name.js';

export interface StatementLogEntry { sql: string; ok: boolean; error?: string; at: string }
export interface InjectedError { code: string; message: string; sqlState?: string }
export interface StatementMatch { nth?: number; pattern?: string }

/** What tests, benchmarks and the local dev host use to observe and disturb an emulator (same shape for Databricks). */
export interface EmulatorControl {
  /** Every statement executed, in order; a multi-statement request logs each of its statements. */
  statements(): StatementLogEntry[];
  /**
   * Query round trips since the last reset: query-request calls plus result fetches (GET /queries/<id>/result).
   * Login, token renewal, heartbeat, telemetry and session close are not counted: they are connection upkeep,
   * not the work a connector's sync costs.
   */
  roundTrips(): number;
  /** Clears the statement log and the round-trip counter; the catalog, latency and armed faults stay. */
  reset(): void;
  /** Milliseconds added to every query round trip. */
  setLatency(ms: number): void;
  /**
   * One-shot fault: the nth statement (default 1 = the next one) from now on — among those whose SQL matches
   * `pattern` (a case-insensitive regular expression) when given — fails with `error` instead of running.
   * `sqlState` defaults to XX000.
   */
  failStatement(match: StatementMatch, error: InjectedError): void;
  /** One-shot: right after the next statement matching `afterStatementMatching` (regex, case-insensitive) runs, drops `objectFqn` — a concurrent DROP. */
  dropBetween(afterStatementMatching: string, objectFqn: string): void;
  /** While on, every login is refused with 390101 (user access disabled); existing sessions keep working. */
  refuseLogins(on: boolean): void;
}

interface ArmedFault { pattern?: RegExp; remaining: number; error: InjectedError }
interface ArmedDrop { after: RegExp; path: string[] }

/** The control state one emulator server consults on every statement. */
export class ControlState implements EmulatorControl {
  private log: StatementLogEntry[] = [];
  private trips = 0;
  private faults: ArmedFault[] = [];
  private drops: ArmedDrop[] = [];
  latencyMs = 0;
  loginsRefused = false;

  constructor(private readonly account: Account) {}

  statements(): StatementLogEntry[] { return this.log.map((e) => ({ ...e })); }
  roundTrips(): number { return this.trips; }
  reset(): void { this.log = []; this.trips = 0; }
  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number of milliseconds, got ${ms}`);
    this.latencyMs = ms;
  }
  failStatement(match: StatementMatch, error: InjectedError): void {
    const nth = match.nth ?? 1;
    if (!Number.isInteger(nth) || nth < 1) throw new RangeError(`nth must be a positive integer, got ${match.nth}`);
    if (!error?.code || !error.message) throw new TypeError('an injected error needs a code and a message');
    this.faults.push({ ...(match.pattern !== undefined ? { pattern: new RegExp(match.pattern, 'i') } : {}), remaining: nth, error });
  }
  dropBetween(afterStatementMatching: string, objectFqn: string): void {
    this.drops.push({ after: new RegExp(afterStatementMatching, 'i'), path: parseQualifiedName(objectFqn) });
  }
  refuseLogins(on: boolean): void { this.loginsRefused = on; }

  // Used by the server --------------------------------------------------------------------------------------

  countRoundTrip(): void { this.trips++; }

  record(sql: string, ok: boolean, error?: string): void {
    this.log.push({ sql, ok, ...(error === undefined ? {} : { error }), at: new Date().toISOString() });
  }

  /** The injected error for this statement, if an armed fault fires on it (each fault fires once). */
  takeFault(sql: string): InjectedError | undefined {
    let fired: InjectedError | undefined;
    for (const f of this.faults) {
      if (f.pattern && !f.pattern.test(sql)) continue;
      f.remaining--;
      if (f.remaining === 0 && !fired) fired = f.error;
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fired;
  }

  /** Runs the concurrent DROPs armed for a statement that has just run. */
  afterStatement(sql: string): void {
    const due = this.drops.filter((d) => d.after.test(sql));
    if (due.length === 0) return;
    this.drops = this.drops.filter((d) => !due.includes(d));
    for (const d of due) this.account.drop(d.path);
  }
}
