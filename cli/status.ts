/** `policysync status <taskId> [--wait [seconds]]`: a task's state, and with --wait its outcome. */
import { Command, Option } from 'commander';
import { MAX_WAIT_SLICE_SECONDS } from './api-client.js';
import { CliError } from './cli-error.js';
import {
  apiClient,
  followTask,
  type GlobalOptions,
  parseWaitSeconds,
  type Runner,
  report,
  waitSecondsOf,
} from './follow.js';
import type { Io, Output } from './output.js';

interface StatusOptions {
  wait?: number | boolean;
}

export function statusCommand(run: Runner): Command {
  return new Command('status')
    .description("show a task and each resource's outcome; exits 4 while it is still running")
    .argument('<taskId>', 'the task id a sync printed')
    .addOption(
      new Option('--wait [seconds]', 'wait for the task to finish (default 120 s)').argParser(parseWaitSeconds),
    )
    .action(async (taskId: string, opts: StatusOptions) =>
      run((out, io, globals) => status(taskId, opts, out, io, globals)),
    );
}

export async function status(
  taskId: string,
  opts: StatusOptions,
  out: Output,
  io: Io,
  globals: GlobalOptions,
): Promise<number> {
  if (!/^[0-9]{1,20}$/.test(taskId))
    throw new CliError('USAGE', `'${taskId}' is not a task id; task ids are decimal numbers like 574057046565109672`);
  const client = apiClient(globals, io);
  const seconds = waitSecondsOf(opts.wait, 0);
  const startedAt = client.now();
  const first = await client.getTask(taskId, seconds >= 1 ? Math.min(seconds, MAX_WAIT_SLICE_SECONDS) : undefined);
  return seconds > 0
    ? followTask(client, first, seconds, startedAt, out, 'changes')
    : report(first.task, out, 'changes', 0);
}
