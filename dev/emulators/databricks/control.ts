import type { DatabricksSqlError } from './errors.js';

export interface StatementLogEntry { sql: string; ok: boolean; error?: string; at: string }
export interface InjectedError { code: string; message: string; sqlState?: string }
export interface StatementMatch { nth?: number; pattern?: string }

/** What tests, benchmarks and the local dev host use to observe and disturb an emulator (same shape as Snowflake's). */
export interface EmulatorControl {
  /** Every statement executed, in order, as the driver sent it (before parameters are bound). */
  statements(): StatementLogEntry[];
  /**
   * ExecuteStatement calls since the last reset, refused ones included. Session open/close, GetOperationStatus,
   * GetResultSetMetadata, FetchResults, CloseOperation and the JDBC metadata calls are not counted: they are
   * protocol upkeep around a statement (and mostly absent: statements answer with direct results inline).
   */
  roundTrips(): number;
  /** Clears the statement log and the round-trip counter; the catalog, latency, armed faults and drops stay. */
  reset(): void;
  /** Milliseconds added before answering every Thrift HTTP request (one per statement with direct results). */
  setLatency(ms: number): void;
  /**
   * One-shot fault: the nth statement (default 1 = the next one) from now on — among those whose SQL matches
   * `pattern` (a case-insensitive regular expression) when given — fails with `error` instead of running,
   * reported like any Databricks refusal: `[code] message SQLSTATE: sqlState`. `sqlState` defaults to XX000.
   */
  failStatement(match: StatementMatch, error: InjectedError): void;
  /**
   * One-shot: right after the next statement matching `afterStatementMatching` (regex, case-insensitive) runs,
   * `objectFqn` (dotted, e.g. `main.sales.orders`; 1 part a catalog, 2 a schema) is dropped — a concurrent DROP.
   */
  dropBetween(afterStatementMatching: string, objectFqn: string): void;
  /** While on, every Thrift request is answered HTTP 401, as a revoked or expired token is. */
  refuseLogins(on: boolean): void;
}

interface ArmedFault { pattern?: RegExp; remaining: number; error: InjectedError }
interface ArmedDrop { after: RegExp; objectFqn: string }

/** The control state the server consults on every request and statement. */
export class ControlState implements EmulatorControl {
  private log: StatementLogEntry[] = [];
  private trips = 0;
  private faults: ArmedFault[] = [];
  private drops: ArmedDrop[] = [];
  latencyMs = 0;
  loginsRefused = false;

  constructor(private readonly dropObject: (fqn: string) => void) {}

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
    this.faults.push({ ...(match.pattern !== undefined && { pattern: new RegExp(match.pattern, 'i') }), remaining: nth, error });
  }
  dropBetween(afterStatementMatching: string, objectFqn: string): void {
    this.drops.push({ after: new RegExp(afterStatementMatching, 'i'), objectFqn });
  }
  refuseLogins(on: boolean): void { this.loginsRefused = on; }

  // Used by the Thrift handler ------------------------------------------------------------------------------

  /** Counts the statement and returns the injected error it must fail with, if an armed fault fires on it. */
  beforeStatement(sql: string): InjectedError | undefined {
    this.trips++;
    let fired: InjectedError | undefined;
    for (const f of this.faults) {
      if (f.pattern && !f.pattern.test(sql)) continue;
      f.remaining--;
      if (f.remaining === 0 && !fired) fired = f.error;
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fired && { ...fired, sqlState: fired.sqlState ?? 'XX000' };
  }

  /** Logs the outcome and runs the concurrent DROPs armed for this statement. */
  afterStatement(sql: string, error: DatabricksSqlError | undefined): void {
    this.log.push({ sql, ok: error === undefined, ...(error && { error: error.message }), at: new Date().toISOString() });
    const due = this.drops.filter((d) => d.after.test(sql));
    if (due.length === 0) return;
    this.drops = this.drops.filter((d) => !due.includes(d));
    for (const d of due) this.dropObject(d.objectFqn);
  }
}
