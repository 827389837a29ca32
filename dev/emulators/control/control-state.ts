export interface StatementLogEntry {
  sql: string;
  ok: boolean;
  error?: string;
  at: string;
  /** Set when the statement arrived with others in one request (a multi-statement request, a scripting block): that request. */
  script?: string;
}
export interface InjectedError {
  code: string;
  message: string;
  sqlState?: string;
}
export interface StatementMatch {
  nth?: number;
  pattern?: string;
}

/**
 * What tests, benchmarks and the local dev host use to observe and disturb an emulator; the Snowflake and the
 * Databricks emulator offer the same one. What counts as a round trip, where latency is added and how a refused
 * login looks is each emulator's protocol (see its README).
 */
export interface EmulatorControl {
  /** Every statement executed, in order, as the driver sent it (a Snowflake multi-statement request logs each). */
  statements(): StatementLogEntry[];
  /**
   * Statement round trips since the last reset, refused ones included. Connection upkeep (login, token renewal,
   * heartbeat, session open/close, Thrift status and metadata calls) is not counted: it is not the work a
   * connector's sync costs. Snowflake also counts result fetches (GET /queries/<id>/result).
   */
  roundTrips(): number;
  /** Clears the statement log and the round-trip counter; the catalog, latency, armed faults and drops stay. */
  reset(): void;
  /** Milliseconds added to every round trip (Databricks: to every Thrift HTTP request). */
  setLatency(ms: number): void;
  /**
   * One-shot fault: the nth statement (default 1 = the next one) from now on — among those whose SQL matches
   * `pattern` (a case-insensitive regular expression) when given — fails with `error` instead of running,
   * reported like any refusal of that warehouse. `sqlState` defaults to XX000.
   */
  failStatement(match: StatementMatch, error: InjectedError): void;
  /**
   * One-shot: right after the next statement matching `afterStatementMatching` (regex, case-insensitive) runs,
   * `objectFqn` (dotted, e.g. `SALES.PUBLIC.ORDERS`; 1 part a database or catalog, 2 a schema) is dropped — a
   * concurrent DROP.
   */
  dropBetween(afterStatementMatching: string, objectFqn: string): void;
  /**
   * While on, logins are refused: Snowflake answers 390101 (user access disabled) and existing sessions keep
   * working; Databricks answers every Thrift request HTTP 401, as a revoked or expired token is.
   */
  refuseLogins(on: boolean): void;
}

/**
 * How an emulator drops an object: called when the drop is armed, so a malformed name is refused then, and
 * returns what runs the drop once its statement has run.
 */
export type PrepareDrop = (objectFqn: string) => () => void;

interface ArmedFault {
  pattern?: RegExp;
  remaining: number;
  error: InjectedError;
}
interface ArmedDrop {
  after: RegExp;
  drop: () => void;
}

/** The control state an emulator server consults on every request and statement. */
export class ControlState implements EmulatorControl {
  private log: StatementLogEntry[] = [];
  private trips = 0;
  private faults: ArmedFault[] = [];
  private drops: ArmedDrop[] = [];
  latencyMs = 0;
  loginsRefused = false;

  constructor(private readonly prepareDrop: PrepareDrop) {}

  statements(): StatementLogEntry[] {
    return this.log.map((e) => ({ ...e }));
  }
  roundTrips(): number {
    return this.trips;
  }
  reset(): void {
    this.log = [];
    this.trips = 0;
  }
  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`latency must be a non-negative number of milliseconds, got ${ms}`);
    this.latencyMs = ms;
  }
  failStatement(match: StatementMatch, error: InjectedError): void {
    const nth = match.nth ?? 1;
    if (!Number.isInteger(nth) || nth < 1) throw new RangeError(`nth must be a positive integer, got ${match.nth}`);
    if (!error?.code || !error.message) throw new TypeError('an injected error needs a code and a message');
    this.faults.push({
      ...(match.pattern !== undefined && { pattern: new RegExp(match.pattern, 'i') }),
      remaining: nth,
      error,
    });
  }
  dropBetween(afterStatementMatching: string, objectFqn: string): void {
    this.drops.push({ after: new RegExp(afterStatementMatching, 'i'), drop: this.prepareDrop(objectFqn) });
  }
  refuseLogins(on: boolean): void {
    this.loginsRefused = on;
  }

  // Used by the servers -------------------------------------------------------------------------------------

  countRoundTrip(): void {
    this.trips++;
  }

  record(sql: string, ok: boolean, error?: string, script?: string): void {
    this.log.push({
      sql,
      ok,
      ...(error !== undefined && { error }),
      at: new Date().toISOString(),
      ...(script !== undefined && { script }),
    });
  }

  /**
   * The injected error for this statement, if an armed fault fires on it (each fault fires once). Its sqlState
   * is always set: without one the Snowflake driver re-fetches the result to retry.
   */
  takeFault(sql: string): Required<InjectedError> | undefined {
    let fired: InjectedError | undefined;
    for (const f of this.faults) {
      if (f.pattern && !f.pattern.test(sql)) continue;
      f.remaining--;
      if (f.remaining === 0 && !fired) fired = f.error;
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fired && { ...fired, sqlState: fired.sqlState ?? 'XX000' };
  }

  /** Runs the concurrent DROPs armed for a statement that has just run. */
  afterStatement(sql: string): void {
    const due = this.drops.filter((d) => d.after.test(sql));
    if (due.length === 0) return;
    this.drops = this.drops.filter((d) => !due.includes(d));
    for (const d of due) d.drop();
  }
}
