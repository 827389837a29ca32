/** What went wrong before an outcome was known; every one of them exits 2 with one line a person can act on. */
export type CliErrorCode = 'USAGE' | 'CONFIG' | 'AUTH' | 'HTTP' | 'NETWORK';

/** An RFC 9457 problem as the API sends it (`issues` on validation problems). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  issues?: { path: string; message: string }[];
}

export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly detail: { status?: number; problem?: Problem } = {},
  ) {
    super(message);
  }
}
