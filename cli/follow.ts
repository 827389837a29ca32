/**
 * Following a task to its outcome, shared by sync, plan and status: wait (or not), print a progress line per
 * resource as it finishes, then the result, and turn the outcome into the exit status.
 */
import { InvalidArgumentError } from 'commander';
import { type Answer, ApiClient, awaitTask, clientSettings, type TaskView } from './api-client.js';
import { EXIT, exitStatusOf, isTerminalStatus } from './exit-status.js';
import type { Io, Output } from './output.js';
import { changesLines, planLines, progressTracker, summaryLine } from './render.js';

/** `--wait` with no number: long enough for any healthy sync, short enough that a stuck one gets noticed. */
export const DEFAULT_WAIT_SECONDS = 120;

/** The options every command accepts (declared on the program, so they go before or after the command). */
export interface GlobalOptions {
  url?: string;
  token?: string;
  kind?: string;
  json?: boolean;
}

/** Runs a command's action with the output, I/O and global options, and records its exit status (main.ts). */
export type Runner = (action: (out: Output, io: Io, globals: GlobalOptions) => Promise<number>) => Promise<void>;

/** commander parser for `--wait [seconds]`: a non-negative number of seconds. */
export function parseWaitSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidArgumentError(`--wait takes a number of seconds, not '${value}'`);
  }
  return seconds;
}

/** `--wait` as commander leaves it: absent, `true` (no number given) or seconds. */
export function waitSecondsOf(wait: number | boolean | undefined, whenAbsent: number): number {
  if (wait === undefined || wait === false) return whenAbsent;
  return wait === true ? DEFAULT_WAIT_SECONDS : wait;
}

export function apiClient(globals: GlobalOptions, io: Io): ApiClient {
  return new ApiClient(clientSettings(globals, io.env), io.fetch ? { fetch: io.fetch } : {});
}

/** Waits up to `seconds` from `startedAt`, printing progress; prints the result; returns the exit status. */
export async function followTask(
  client: ApiClient,
  first: Answer,
  seconds: number,
  startedAt: number,
  out: Output,
  view: 'changes' | 'plan',
): Promise<number> {
  const progress = progressTracker();
  const task =
    seconds > 0
      ? await awaitTask(client, first, seconds, startedAt, (t) => {
          for (const line of progress(t)) out.line(line);
        })
      : first.task;
  return report(task, out, view, seconds);
}

/** The task as the result: the JSON document, or the changes (or plan) and the summary; its exit status. */
export function report(task: TaskView, out: Output, view: 'changes' | 'plan', waitedSeconds: number): number {
  out.document(task);
  if (!out.json) {
    if (isTerminalStatus(task.status)) {
      const lines = view === 'plan' || task.dryRun ? planLines(task) : changesLines(task);
      if (lines.length > 0) for (const line of ['', ...lines, '']) out.line(line);
    }
    out.line(summaryLine(task));
  }
  if (!isTerminalStatus(task.status)) {
    const why = waitedSeconds > 0 ? `still ${task.status} after ${waitedSeconds} s` : `${task.status}`;
    out.line(`task ${task.taskId} is ${why}; follow it with: policysync status ${task.taskId} --wait`);
    return EXIT.RUNNING;
  }
  return exitStatusOf(task.status);
}
