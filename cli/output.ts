import type { CliError } from './cli-error.js';

/** Where a command writes, and what it may read: the process in main, a buffer in tests. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

/**
 * The two audiences: with --json stdout carries one JSON document and nothing else (progress goes to stderr);
 * without it everything a person reads goes to stdout. Errors always go to stderr as one line.
 */
export class Output {
  constructor(
    private readonly io: Io,
    readonly json: boolean,
  ) {}

  /** A line for a person: progress and results. */
  line(text = ''): void {
    if (this.json) this.io.stderr(`${text}\n`);
    else this.io.stdout(`${text}\n`);
  }

  /** The machine-readable result (only with --json). */
  document(value: unknown): void {
    if (this.json) this.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  }

  error(err: CliError): void {
    this.io.stderr(`policysync: ${err.message}\n`);
    if (this.json) {
      const { status, problem } = err.detail;
      this.io.stdout(
        `${JSON.stringify({ error: { code: err.code, message: err.message, ...(status ? { status } : {}), ...(problem ? { problem } : {}) } }, null, 2)}\n`,
      );
    }
  }
}
